//! The consent question: one plain sentence that says who wants what, for how long.

use crate::{Arg, Texts};

/// How long access lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessDuration {
    /// This many days.
    Days(u32),
    /// Until the inwoner stops it.
    Lifelong,
}

/// Which items a reading grantee sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum History {
    /// Also what was stored before the grant.
    Included,
    /// Only what is stored from the grant on.
    FromNow,
}

/// What a professional asks (or what the inwoner is about to give), for the consent sentence.
/// Scopes and the role are given by their stable codes (`crypto::Scope::as_str`,
/// `crypto::Role::as_str`), so that this crate needs no crypto.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRequest<'a> {
    /// The professional's name: "Dr. De Vries".
    pub name: &'a str,
    /// The professional's role code: `huisarts`.
    pub role: &'a str,
    /// The organisation, when it should be shown.
    pub organisation: Option<&'a str>,
    /// Scope codes to read, in the order to say them.
    pub read: Vec<&'a str>,
    /// Scope codes to add to, in the order to say them.
    pub append: Vec<&'a str>,
    /// How long.
    pub duration: AccessDuration,
    /// Whether earlier items are included (only said when something is read).
    pub history: History,
}

impl Texts {
    /// Who asks: "Dr. De Vries (huisarts)" or "Dr. De Vries (huisarts, Gezondheidscentrum
    /// Noord)".
    #[must_use]
    pub fn consent_who(&self, c: &ConsentRequest<'_>) -> String {
        let role = self.role(c.role);
        match c.organisation {
            Some(organisation) => self.fmt(
                "consent-who-org",
                &[
                    ("name", Arg::from(c.name)),
                    ("role", Arg::from(role)),
                    ("organisation", Arg::from(organisation)),
                ],
            ),
            None => self.fmt(
                "consent-who",
                &[("name", Arg::from(c.name)), ("role", Arg::from(role))],
            ),
        }
    }

    /// The consent sentence, e.g. "Dr. De Vries (huisarts) wil 30 dagen uw vragenlijsten en
    /// notities lezen, ook wat u eerder bewaarde."
    #[must_use]
    pub fn consent_sentence(&self, c: &ConsentRequest<'_>) -> String {
        let list = |codes: &[&str]| {
            let names: Vec<String> = codes.iter().map(|code| self.scope_inline(code)).collect();
            self.join(&names)
        };
        let id = match (c.read.is_empty(), c.append.is_empty()) {
            (false, false) => "consent-read-append",
            (true, false) => "consent-append",
            _ => "consent-read",
        };
        let (lifelong, days) = match c.duration {
            AccessDuration::Days(days) => ("no", days),
            AccessDuration::Lifelong => ("yes", 0),
        };
        let history = self.get(match c.history {
            History::Included => "history-included",
            History::FromNow => "history-from-now",
        });
        self.fmt(
            id,
            &[
                ("who", Arg::from(self.consent_who(c))),
                ("read", Arg::from(list(&c.read))),
                ("append", Arg::from(list(&c.append))),
                ("lifelong", Arg::from(lifelong)),
                ("days", Arg::from(days)),
                ("history", Arg::from(history)),
            ],
        )
    }

    /// The consent sentence followed by the question: "... Goedkeuren? [j/N]".
    #[must_use]
    pub fn consent_prompt(&self, c: &ConsentRequest<'_>) -> String {
        self.fmt(
            "consent-prompt",
            &[("sentence", Arg::from(self.consent_sentence(c)))],
        )
    }
}
