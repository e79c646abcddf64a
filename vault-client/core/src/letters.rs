//! The structured bodies of the items professionals and the inwoner write along the WoR loop:
//! a referral (verwijzing), an agreed activity (step 4) and a reflection on it. JSON with a
//! schema tag, so the CLI and the web app render the same fields; spec `parts/items.md`.

use serde::{Deserialize, Serialize};

/// Schema tag of a [`Referral`] body.
pub const REFERRAL_SCHEMA: &str = "rugzak-verwijzing/1";
/// Schema tag of an [`Activity`] body.
pub const ACTIVITY_SCHEMA: &str = "rugzak-activiteit/1";
/// Schema tag of a [`Reflection`] body.
pub const REFLECTION_SCHEMA: &str = "rugzak-reflectie/1";

/// A GP's referral to a welzijnscoach (ZorgDomein's fields, in plain words).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Referral {
    /// Always [`REFERRAL_SCHEMA`].
    pub schema: String,
    /// To whom: the coach or the welfare organisation.
    pub to: String,
    /// Why: the complaints in the inwoner's words.
    pub reason: String,
    /// The question to the coach.
    pub question: String,
    /// What the inwoner agreed may be passed on.
    pub agreed: String,
    /// How to reach the referrer.
    pub contact: String,
}

/// An activity in the neighbourhood the inwoner and coach agreed on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    /// Always [`ACTIVITY_SCHEMA`].
    pub schema: String,
    /// What: "Wandelgroep De Hoeve".
    pub what: String,
    /// Where.
    pub place: String,
    /// When: "dinsdag 10:00" (free text: a weekly rhythm is not a date).
    pub when: String,
    /// Whom to contact there.
    pub contact: String,
}

/// The inwoner's own reflection on an activity (or another item).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reflection {
    /// Always [`REFLECTION_SCHEMA`].
    pub schema: String,
    /// The item reflected on.
    pub on: crypto::ItemId,
    /// The text.
    pub text: String,
}

/// A structured body, parsed by its schema tag; `None` for anything else (a note's text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Letter {
    /// A referral.
    Referral(Referral),
    /// An activity.
    Activity(Activity),
    /// A reflection.
    Reflection(Reflection),
}

impl Letter {
    /// Parses `body` when it is one of the structured bodies.
    #[must_use]
    pub fn parse(body: &[u8]) -> Option<Self> {
        #[derive(Deserialize)]
        struct Tag {
            schema: String,
        }
        let tag: Tag = serde_json::from_slice(body).ok()?;
        match tag.schema.as_str() {
            REFERRAL_SCHEMA => serde_json::from_slice(body).ok().map(Self::Referral),
            ACTIVITY_SCHEMA => serde_json::from_slice(body).ok().map(Self::Activity),
            REFLECTION_SCHEMA => serde_json::from_slice(body).ok().map(Self::Reflection),
            _ => None,
        }
    }

    /// The JSON body to store.
    #[must_use]
    pub fn to_body(&self) -> Vec<u8> {
        let value = match self {
            Self::Referral(r) => serde_json::to_vec(r),
            Self::Activity(a) => serde_json::to_vec(a),
            Self::Reflection(r) => serde_json::to_vec(r),
        };
        // Plain structs of strings always serialise.
        value.unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_round_trip_and_other_bodies_are_not_letters() {
        let referral = Letter::Referral(Referral {
            schema: REFERRAL_SCHEMA.into(),
            to: "Welzijn Lelystad".into(),
            reason: "Veel stress sinds het overlijden van haar man".into(),
            question: "Kunt u haar helpen contacten op te bouwen?".into(),
            agreed: "PSS-10 en deze verwijzing".into(),
            contact: "Huisartsenpraktijk Centrum, 0320-123456".into(),
        });
        assert_eq!(Letter::parse(&referral.to_body()), Some(referral));
        assert_eq!(Letter::parse(b"gewone notitie"), None);
        assert_eq!(
            Letter::parse(br#"{"schema":"rugzak-verwijzing/1"}"#),
            None,
            "fields missing"
        );
        assert_eq!(
            Letter::parse(br#"{"schema":"iets-anders/1","to":"x"}"#),
            None
        );
    }
}
