//! Suggestions: configurable rules from scores to programmes, each with the reason shown.
//!
//! Rules are Rugzak JSON (format `rugzak-suggesties/1`). A rule names an instrument, one of its
//! scores, a condition (`{"at-least": n}`, `{"at-most": n}` or `"gap"` for the VLQ flag) and a
//! programme, with a bilingual reason. Only each instrument's latest score sheet counts.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::catalog::Catalog;
use crate::points::Points;
use crate::programme::Programme;
use crate::score::ScoreSheet;
use crate::text::{Lang, Text};
use crate::time::{self, UnixTime};

/// Format tag of a rule file.
pub const RULES_FORMAT: &str = "rugzak-suggesties/1";

const BUILTIN: &str = include_str!("../definitions/suggestion-rules.json");

/// When a rule fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Condition {
    /// The score is at least this.
    AtLeast(Points),
    /// The score is at most this.
    AtMost(Points),
    /// The score is flagged as a gap (VLQ: important but little lived).
    Gap,
}

impl Condition {
    fn holds(self, value: Points, gap: bool) -> bool {
        match self {
            Self::AtLeast(n) => value >= n,
            Self::AtMost(n) => value <= n,
            Self::Gap => gap,
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
    /// Score key (`totaal`, a domain, ...).
    pub measure: String,
    /// When it fires.
    pub when: Condition,
    /// The programme suggested.
    pub programme: String,
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

/// Why a score led to a suggestion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// The rule that fired.
    pub rule: String,
    /// The rule's reason.
    pub text: Text,
    /// The instrument's title.
    pub instrument: Text,
    /// The score's label.
    pub measure: Text,
    /// The score.
    pub value: Points,
    /// When it was filled in.
    pub at: UnixTime,
}

impl Reason {
    /// The reason with the score it rests on, e.g. "… (Ervaren stress (PSS-10), Totaalscore: 18, 2026-03-01)".
    #[must_use]
    pub fn describe(&self, lang: Lang) -> String {
        let date = time::format_datetime(self.at).unwrap_or_default();
        format!(
            "{} ({}, {}: {}, {})",
            self.text.get(lang),
            self.instrument.get(lang),
            self.measure.get(lang),
            self.value.display(lang),
            date.get(..10).unwrap_or_default()
        )
    }
}

/// A suggested programme with every reason for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The programme's id.
    pub programme: String,
    /// The reasons, in rule order.
    pub reasons: Vec<Reason>,
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
        Ok(set)
    }

    /// The shipped rules (PSS ≥ 14 → stress; ZRM sociaal netwerk ≤ 2, VLQ gap on friends or
    /// Positieve Gezondheid meedoen ≤ 4 → eenzaamheid; mentaal welbevinden ≤ 4 → somberheid).
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
            instrument
                .measure(&r.measure)
                .ok_or_else(|| unknown("score", &r.measure))?;
            if !programmes.iter().any(|p| p.id == r.programme) {
                return Err(unknown("programma", &r.programme));
            }
        }
        Ok(())
    }

    /// The suggestions from the latest sheet of each instrument, one per programme, in the
    /// order of the first rule that suggests it.
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
            let Some(m) = sheet.measure(&rule.measure) else {
                continue;
            };
            if !rule.when.holds(m.value, m.gap) {
                continue;
            }
            let reason = Reason {
                rule: rule.id.clone(),
                text: rule.reason.clone(),
                instrument: sheet.title().clone(),
                measure: m.label.clone(),
                value: m.value,
                at: sheet.effective(),
            };
            match out.iter_mut().find(|s| s.programme == rule.programme) {
                Some(s) => s.reasons.push(reason),
                None => out.push(Suggestion {
                    programme: rule.programme.clone(),
                    reasons: vec![reason],
                }),
            }
        }
        out
    }
}
