//! A score sheet as structured JSON with plain numbers (schema `rugzak-score/1`), for a CLI's
//! `--json` output and other programs. The FHIR Observation stays the stored form; this is a
//! flat view of the same scores that needs no FHIR knowledge to read.
//!
//! ```json
//! {
//!   "schema": "rugzak-score/1",
//!   "instrument": "pss-10",
//!   "title": {"nl": "Ervaren stress (PSS-10)", "en": "Perceived Stress Scale (PSS-10)"},
//!   "when": "2026-03-01T09:00:00Z",
//!   "when_unix": 1772355600,
//!   "self_rated": false,
//!   "total": 30,
//!   "total_min": 0,
//!   "total_max": 40,
//!   "band": {"key": "hoog", "label": {"nl": "hoog", "en": "high"}},
//!   "domains": []
//! }
//! ```
//!
//! `total`, `total_min`, `total_max` and `band` are `null` for instruments without a total (ZRM);
//! `rated_by` appears where the instrument asks who rated. Each entry of `domains` is
//! `{"key", "label", "value", "min", "max", "level"?, "gap"}` with numbers for the values.
//! Values are JSON numbers: whole numbers for sums, two decimals at most for means.

use serde::Serialize;

use crate::points::Points;
use crate::score::{BandRef, Measure, ScoreSheet};
use crate::text::Text;
use crate::time::UnixTime;

/// The schema tag of a [`ScoreReport`].
pub const SCORE_SCHEMA: &str = "rugzak-score/1";

/// Who rated, as shown in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RatedBy {
    /// The option code (`professional`, `zelf`).
    pub code: String,
    /// Its label.
    pub label: Text,
}

/// One subscore or domain score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainScore {
    /// The score's key.
    pub key: String,
    /// Its label.
    pub label: Text,
    /// The score.
    pub value: Points,
    /// Lowest possible score.
    pub min: Points,
    /// Highest possible score.
    pub max: Points,
    /// The chosen level's label (ZRM).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<Text>,
    /// VLQ: important, but little lived in the past week.
    pub gap: bool,
}

impl From<&Measure> for DomainScore {
    fn from(m: &Measure) -> Self {
        Self {
            key: m.key.clone(),
            label: m.label.clone(),
            value: m.value,
            min: m.min,
            max: m.max,
            level: m.level.clone(),
            gap: m.gap,
        }
    }
}

/// A score sheet as structured JSON (see the module documentation for the shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreReport {
    /// Always [`SCORE_SCHEMA`].
    pub schema: &'static str,
    /// The instrument's key.
    pub instrument: String,
    /// The instrument's title.
    pub title: Text,
    /// When it was filled in (RFC 3339, as in the Observation).
    pub when: String,
    /// The same moment in seconds since 1970 (UTC).
    pub when_unix: UnixTime,
    /// Who rated, where the instrument asks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rated_by: Option<RatedBy>,
    /// Whether the inwoner rated themself where a professional normally rates (ZRM).
    pub self_rated: bool,
    /// The total, if the instrument has one.
    pub total: Option<Points>,
    /// The lowest possible total.
    pub total_min: Option<Points>,
    /// The highest possible total.
    pub total_max: Option<Points>,
    /// The total's interpretation band.
    pub band: Option<BandRef>,
    /// Subscores or per-domain scores, in the instrument's order.
    pub domains: Vec<DomainScore>,
}

impl ScoreSheet {
    /// The scores as a [`ScoreReport`], to serialise as JSON.
    #[must_use]
    pub fn report(&self) -> ScoreReport {
        let total = self.total();
        ScoreReport {
            schema: SCORE_SCHEMA,
            instrument: self.instrument().to_owned(),
            title: self.title().clone(),
            when: self.effective_text().to_owned(),
            when_unix: self.effective(),
            rated_by: self.method().map(|m| RatedBy {
                code: m.code.clone(),
                label: m.label.clone(),
            }),
            self_rated: self.self_rated(),
            total: total.map(|t| t.value),
            total_min: total.map(|t| t.min),
            total_max: total.map(|t| t.max),
            band: total.and_then(|t| t.band.as_ref()).map(BandRef::from),
            domains: self.parts().iter().map(DomainScore::from).collect(),
        }
    }
}
