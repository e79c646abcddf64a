//! Suggestions: configurable rules from scores to advice, each with the reason shown and the
//! score it rests on.
//!
//! Rules are Rugzak JSON (format `rugzak-suggesties/1`). A rule names an instrument, one of its
//! scores (or `*`: any domain score, not the total), a condition (`{"at-least": n}`,
//! `{"at-most": n}`, `{"between": [a, b]}` or `"gap"` for the VLQ flag), a kind and a bilingual
//! reason. The kind is `programme` (a self-help programme, named in `programme`), `contact-gp`
//! (advice to contact the huisarts) or `crisis-line` (113 Zelfmoordpreventie). Acute and high
//! scores lead to the huisarts (and to 113 where mood or dark thoughts are involved) rather than
//! only to a self-help programme. Only each instrument's latest score sheet counts.
//!
//! The CLI calls [`suggestions`] with the score sheets it has read.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::catalog::Catalog;
use crate::points::Points;
use crate::programme::Programme;
use crate::score::{BandRef, ScoreSheet};
use crate::text::{Lang, Text};
use crate::time::{self, UnixTime};

/// Format tag of a rule file.
pub const RULES_FORMAT: &str = "rugzak-suggesties/1";

/// The rule measure that stands for every domain score (every score but the total).
pub const ANY_DOMAIN: &str = "*";

const BUILTIN: &str = include_str!("../definitions/suggestion-rules.json");

/// When a rule fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Condition {
    /// The score is at least this.
    AtLeast(Points),
    /// The score is at most this.
    AtMost(Points),
    /// The score is between these two, both included.
    Between(Points, Points),
    /// The score is flagged as a gap (VLQ: important but little lived).
    Gap,
}

impl Condition {
    fn holds(self, value: Points, gap: bool) -> bool {
        match self {
            Self::AtLeast(n) => value >= n,
            Self::AtMost(n) => value <= n,
            Self::Between(low, high) => low <= value && value <= high,
            Self::Gap => gap,
        }
    }
}

/// What a suggestion advises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuggestionKind {
    /// Talk about it with 113 Zelfmoordpreventie (113, free 0800-0113, chat at 113.nl). Shown first.
    CrisisLine,
    /// Contact the huisarts. Shown before programmes.
    ContactGp,
    /// Follow a self-help programme.
    #[default]
    Programme,
}

impl SuggestionKind {
    /// The advice itself, in `lang`; for a programme the caller adds its title.
    #[must_use]
    pub fn advice(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Self::CrisisLine, Lang::Nl) => "Praat erover met 113 Zelfmoordpreventie: bel 113 of gratis 0800-0113, of chat via 113.nl (dag en nacht, anoniem). Bent u in direct gevaar, bel 112.",
            (Self::CrisisLine, Lang::En) => "Talk about it with 113 Zelfmoordpreventie: call 113 or free 0800-0113, or chat at 113.nl (day and night, anonymous). If you are in immediate danger, call 112.",
            (Self::ContactGp, Lang::Nl) => "Neem contact op met uw huisarts (buiten kantoortijden: de huisartsenpost).",
            (Self::ContactGp, Lang::En) => "Contact your GP (huisarts; outside office hours: the huisartsenpost).",
            (Self::Programme, Lang::Nl) => "Programma",
            (Self::Programme, Lang::En) => "Programme",
        }
    }
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// Key, unique in the set.
    pub id: String,
    /// Instrument key.
    pub instrument: String,
    /// Score key (`totaal`, a domain, ...) or [`ANY_DOMAIN`].
    pub measure: String,
    /// When it fires.
    pub when: Condition,
    /// What it advises; `programme` when absent.
    #[serde(default)]
    pub kind: SuggestionKind,
    /// The programme suggested (kind `programme` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub programme: Option<String>,
    /// Why, for the person (Dutch first).
    pub reason: Text,
}

/// A set of rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSet {
    /// Always [`RULES_FORMAT`].
    pub format: String,
    /// The rules, in the order their suggestions are shown.
    pub rules: Vec<Rule>,
}

/// Why a rule set was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RuleError {
    /// Not JSON of the rules format.
    #[error("regelbestand is geen geldige JSON / rule file is not valid JSON: {0}")]
    Json(String),
    /// Another format tag.
    #[error("regelbestand heeft niet het formaat rugzak-suggesties/1 / rule file is not rugzak-suggesties/1")]
    Format,
    /// A rule id used twice.
    #[error("regel {0} komt meer dan eens voor / rule {0} occurs more than once")]
    DuplicateRule(String),
    /// A programme rule without a programme, or another kind with one.
    #[error("regel {0}: alleen een programmaregel noemt een programma, en die moet dat ook / rule {0}: only a programme rule names a programme, and it must")]
    Programme(String),
    /// A rule names an instrument, score or programme that does not exist.
    #[error("regel {rule}: onbekend {what} {name} / rule {rule}: unknown {what} {name}")]
    Unknown {
        /// The rule.
        rule: String,
        /// `instrument`, `score` or `programma`.
        what: &'static str,
        /// The name not found.
        name: String,
    },
}

/// The score a suggestion rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreBasis {
    /// Instrument key, e.g. `pss-10`.
    pub instrument: String,
    /// The instrument's title.
    pub instrument_title: Text,
    /// Score key, e.g. `totaal` or a ZRM domain.
    pub measure: String,
    /// The score's label.
    pub measure_label: Text,
    /// The score (a JSON number).
    pub value: Points,
    /// Its interpretation band (banded totals, e.g. PSS-10 `hoog`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band: Option<BandRef>,
    /// The chosen level's label (ZRM, e.g. "niet zelfredzaam").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<Text>,
    /// Whether the inwoner rated themself where a professional normally rates (ZRM); see
    /// [`ScoreSheet::self_rated`].
    pub self_rated: bool,
    /// When it was filled in.
    pub at: UnixTime,
}

/// Why a score led to a suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The rule that fired.
    pub rule: String,
    /// The rule's reason.
    pub text: Text,
    /// The score it rests on.
    pub score: ScoreBasis,
}

impl ScoreBasis {
    /// The value with its band and level, e.g. "30 — hoog".
    #[must_use]
    pub fn value_text(&self, lang: Lang) -> String {
        let mut value = self.value.display(lang);
        for label in [self.band.as_ref().map(|b| &b.label), self.level.as_ref()]
            .into_iter()
            .flatten()
        {
            value.push_str(" — ");
            value.push_str(label.get(lang));
        }
        value
    }
}

impl Reason {
    /// The reason with the score it rests on, e.g. "… (Ervaren stress (PSS-10), Totaalscore: 30
    /// — hoog, 2026-03-01)"; a self-rated score says "zelf ingevuld" / "self-rated".
    #[must_use]
    pub fn describe(&self, lang: Lang) -> String {
        let s = &self.score;
        let date = time::format_datetime(s.at).unwrap_or_default();
        let value = s.value_text(lang);
        let by = match (s.self_rated, lang) {
            (false, _) => "",
            (true, Lang::Nl) => ", zelf ingevuld",
            (true, Lang::En) => ", self-rated",
        };
        format!(
            "{} ({}{by}, {}: {value}, {})",
            self.text.get(lang),
            s.instrument_title.get(lang),
            s.measure_label.get(lang),
            date.get(..10).unwrap_or_default()
        )
    }
}

/// One piece of advice with every reason for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// What it advises.
    pub kind: SuggestionKind,
    /// The programme's id (kind [`SuggestionKind::Programme`] only).
    pub programme: Option<String>,
    /// The reasons, in rule order.
    pub reasons: Vec<Reason>,
}

impl Suggestion {
    /// The advice and its reasons as plain text in `lang`, one reason a line; `programmes`
    /// gives a programme's title (its id is shown when it is not among them).
    #[must_use]
    pub fn describe(&self, lang: Lang, programmes: &[Programme]) -> String {
        let mut text = match &self.programme {
            Some(id) => {
                let title = programmes
                    .iter()
                    .find(|p| &p.id == id)
                    .map_or(id.as_str(), |p| p.title.get(lang));
                format!("{}: {title}", self.kind.advice(lang))
            }
            None => self.kind.advice(lang).to_owned(),
        };
        for r in &self.reasons {
            text.push_str("\n- ");
            text.push_str(&r.describe(lang));
        }
        text
    }
}

/// The suggestions of the shipped rules for `sheets` (the CLI's entry point): only each
/// instrument's latest sheet counts; crisis line first, then the huisarts, then programmes.
/// Whether a ZRM was self-rated comes from the sheet's rater answer ([`ScoreSheet::self_rated`]).
///
/// # Errors
/// [`RuleError`] only if the shipped rules are broken (the tests load them).
pub fn suggestions(sheets: &[ScoreSheet]) -> Result<Vec<Suggestion>, RuleError> {
    Ok(RuleSet::builtin()?.suggest(sheets))
}

impl RuleSet {
    /// Reads a rule set.
    ///
    /// # Errors
    /// [`RuleError`] for bad JSON, another format or a doubled rule id.
    pub fn from_json(json: &str) -> Result<Self, RuleError> {
        let set: Self = serde_json::from_str(json).map_err(|e| RuleError::Json(e.to_string()))?;
        if set.format != RULES_FORMAT {
            return Err(RuleError::Format);
        }
        let mut ids = BTreeSet::new();
        if let Some(dup) = set.rules.iter().find(|r| !ids.insert(&r.id)) {
            return Err(RuleError::DuplicateRule(dup.id.clone()));
        }
        if let Some(bad) = set
            .rules
            .iter()
            .find(|r| (r.kind == SuggestionKind::Programme) != r.programme.is_some())
        {
            return Err(RuleError::Programme(bad.id.clone()));
        }
        Ok(set)
    }

    /// The shipped rules: PSS-10 ≥ 27 (high) → huisarts; PSS-10 ≥ 14 → stress; a ZRM domain
    /// at 1 (acute problematiek) → huisarts, and geestelijke gezondheid at 1 → 113 too; ZRM
    /// sociaal netwerk 2 (niet zelfredzaam), a VLQ gap on friends or Positieve Gezondheid meedoen
    /// ≤ 4 → eenzaamheid; mentaal welbevinden ≤ 2 → huisarts and 113; ≤ 4 → somberheid.
    ///
    /// # Errors
    /// [`RuleError`] only if the shipped file is broken (the tests load it).
    pub fn builtin() -> Result<Self, RuleError> {
        Self::from_json(BUILTIN)
    }

    /// Checks that every rule names an existing instrument, score and programme.
    ///
    /// # Errors
    /// [`RuleError::Unknown`] for the first dangling name.
    pub fn check(&self, catalog: &Catalog, programmes: &[Programme]) -> Result<(), RuleError> {
        for r in &self.rules {
            let unknown = |what, name: &str| RuleError::Unknown {
                rule: r.id.clone(),
                what,
                name: name.to_owned(),
            };
            let instrument = catalog
                .get(&r.instrument)
                .ok_or_else(|| unknown("instrument", &r.instrument))?;
            if r.measure != ANY_DOMAIN {
                instrument
                    .measure(&r.measure)
                    .ok_or_else(|| unknown("score", &r.measure))?;
            }
            if let Some(p) = &r.programme {
                if !programmes.iter().any(|q| &q.id == p) {
                    return Err(unknown("programma", p));
                }
            }
        }
        Ok(())
    }

    /// The suggestions from the latest sheet of each instrument: one per kind (one per
    /// programme), crisis line first, then the huisarts, then programmes in the order of the
    /// first rule that suggests them; each with its reasons in rule order.
    #[must_use]
    pub fn suggest(&self, sheets: &[ScoreSheet]) -> Vec<Suggestion> {
        let mut latest: BTreeMap<&str, &ScoreSheet> = BTreeMap::new();
        for s in sheets {
            let slot = latest.entry(s.instrument()).or_insert(s);
            if s.effective() >= slot.effective() {
                *slot = s;
            }
        }
        let mut out: Vec<Suggestion> = Vec::new();
        for rule in &self.rules {
            let Some(sheet) = latest.get(rule.instrument.as_str()) else {
                continue;
            };
            let measures: Vec<_> = if rule.measure == ANY_DOMAIN {
                sheet.parts().iter().collect()
            } else {
                sheet.measure(&rule.measure).into_iter().collect()
            };
            for m in measures
                .into_iter()
                .filter(|m| rule.when.holds(m.value, m.gap))
            {
                let reason = Reason {
                    rule: rule.id.clone(),
                    text: rule.reason.clone(),
                    score: ScoreBasis {
                        instrument: sheet.instrument().to_owned(),
                        instrument_title: sheet.title().clone(),
                        measure: m.key.clone(),
                        measure_label: m.label.clone(),
                        value: m.value,
                        band: m.band.as_ref().map(BandRef::from),
                        level: m.level.clone(),
                        self_rated: sheet.self_rated(),
                        at: sheet.effective(),
                    },
                };
                match out
                    .iter_mut()
                    .find(|s| s.kind == rule.kind && s.programme == rule.programme)
                {
                    Some(s) => s.reasons.push(reason),
                    None => out.push(Suggestion {
                        kind: rule.kind,
                        programme: rule.programme.clone(),
                        reasons: vec![reason],
                    }),
                }
            }
        }
        // Safety advice first; a stable sort keeps rule order within a kind.
        out.sort_by_key(|s| s.kind);
        out
    }
}
