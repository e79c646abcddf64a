//! Scoring a completed response into a [`ScoreSheet`], and the FHIR Observation it becomes
//! (and is read back from).

use thiserror::Error;

use crate::answer::{AnswerValue, Completed};
use crate::fhir::{
    self, Annotation, CodeableConcept, Coding, Observation, ObservationComponent, Quantity,
    Reference, Resource, ResourceId,
};
use crate::instrument::load::{domain_of, LoadError};
use crate::instrument::{AnswerKind, Band, Instrument, MeasureSpec, Question, Scoring};
use crate::points::Points;
use crate::text::{Lang, Text};
use crate::time::{self, UnixTime};

/// A VLQ domain is highlighted when its importance is at least this …
pub const GAP_MIN_IMPORTANCE: i64 = 7;
/// … and its consistency is at least this much lower than its importance.
pub const GAP_MIN_DIFFERENCE: i64 = 3;

/// Code of the rater option ("who filled this in") meaning the inwoner rated themself (ZRM:
/// the `beoordelaar` question, the self-rating "Mijn ZRM" way rather than a trained professional).
pub const SELF_RATED_CODE: &str = "zelf";

/// A band as shown and sent on: its key (`laag`, `matig`, `hoog`) and label.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BandRef {
    /// The band's code, e.g. `hoog`.
    pub key: String,
    /// Its label.
    pub label: Text,
}

impl From<&Band> for BandRef {
    fn from(b: &Band) -> Self {
        Self {
            key: b.code.clone(),
            label: b.label.clone(),
        }
    }
}

/// Code of the VLQ gap flag in [`fhir::FLAG_SYSTEM`].
const GAP_CODE: &str = "kloof";

/// Shown with every interpretation band.
#[must_use]
pub fn band_note() -> Text {
    Text::new(
        "Deze indeling in banden is een gangbare afspraak, geen diagnose.",
        "These bands are a common convention, not a diagnosis.",
    )
}

fn gap_label() -> Text {
    Text::new(
        "belangrijk, maar weinig naar geleefd",
        "important, but little lived",
    )
}

/// One score: a total, subscore, domain score or item score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measure {
    /// Key (`totaal`, or a domain/group/item key).
    pub key: String,
    /// Label for people.
    pub label: Text,
    /// The score.
    pub value: Points,
    /// Lowest possible score.
    pub min: Points,
    /// Highest possible score.
    pub max: Points,
    /// Whether scores are whole numbers.
    pub whole: bool,
    /// Interpretation band (totals of banded instruments).
    pub band: Option<Band>,
    /// Label of the chosen level (item scores of choice questions, e.g. ZRM "beperkt zelfredzaam").
    pub level: Option<Text>,
    /// VLQ: important, but little lived in the past week.
    pub gap: bool,
}

/// Who rated, from the instrument's observation-method question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method {
    /// Option code.
    pub code: String,
    /// Option code system.
    pub system: Option<String>,
    /// Label.
    pub label: Text,
}

/// The scores of one response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreSheet {
    instrument: String,
    title: Text,
    effective: UnixTime,
    effective_text: String,
    total: Option<Measure>,
    parts: Vec<Measure>,
    method: Option<Method>,
}

/// Scoring failed. Only a bug can cause this: a completed response has every scored answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ScoreError {
    /// A scored answer was missing or of the wrong kind after validation.
    #[error("interne fout bij het scoren / internal scoring error")]
    Internal,
}

/// Why an Observation could not be read back as scores of an instrument.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReadScoreError {
    /// Not JSON of an Observation.
    #[error("geen Observation-JSON / not Observation JSON")]
    Json,
    /// The Observation holds another (or an unknown) instrument's scores.
    #[error("de Observation hoort bij een ander of onbekend instrument / the Observation belongs to another or unknown instrument")]
    OtherInstrument,
    /// The time is missing or invalid.
    #[error("tijdstip ontbreekt of is ongeldig / time missing or invalid")]
    BadEffective,
    /// A score is missing, unknown, doubled or out of range.
    #[error("score {0} ontbreekt, is onbekend, dubbel of buiten bereik / score {0} is missing, unknown, doubled or out of range")]
    BadMeasure(String),
}

impl ScoreSheet {
    /// The instrument's key.
    #[must_use]
    pub fn instrument(&self) -> &str {
        &self.instrument
    }

    /// The instrument's title.
    #[must_use]
    pub fn title(&self) -> &Text {
        &self.title
    }

    /// When the response was filled in.
    #[must_use]
    pub fn effective(&self) -> UnixTime {
        self.effective
    }

    /// When the response was filled in, as the RFC 3339 text it was written with.
    #[must_use]
    pub fn effective_text(&self) -> &str {
        &self.effective_text
    }

    /// The total, if the instrument has one.
    #[must_use]
    pub fn total(&self) -> Option<&Measure> {
        self.total.as_ref()
    }

    /// Subscores or per-domain scores, in the instrument's order.
    #[must_use]
    pub fn parts(&self) -> &[Measure] {
        &self.parts
    }

    /// The measure with `key` (the total is `totaal`).
    #[must_use]
    pub fn measure(&self, key: &str) -> Option<&Measure> {
        self.total.iter().chain(&self.parts).find(|m| m.key == key)
    }

    /// Who rated, where the instrument asks.
    #[must_use]
    pub fn method(&self) -> Option<&Method> {
        self.method.as_ref()
    }

    /// Whether the inwoner rated themself where the instrument asks who rated (the ZRM's
    /// `beoordelaar` answered [`SELF_RATED_CODE`]). Instruments that do not ask (PSS-10, VLQ,
    /// Positieve Gezondheid) are always filled in by the inwoner and give `false` here: the flag
    /// is about a rating normally made by a professional.
    #[must_use]
    pub fn self_rated(&self) -> bool {
        self.method
            .as_ref()
            .is_some_and(|m| m.code == SELF_RATED_CODE)
    }

    /// A short plain-text summary, one line per score, for a CLI or a list.
    #[must_use]
    pub fn summary(&self, lang: Lang) -> String {
        let mut lines = vec![match &self.method {
            Some(m) => {
                let by = if lang == Lang::Nl {
                    "beoordeeld door"
                } else {
                    "rated by"
                };
                format!("{} ({by}: {})", self.title.get(lang), m.label.get(lang))
            }
            None => self.title.get(lang).to_owned(),
        }];
        let range = if lang == Lang::Nl { "bereik" } else { "range" };
        for m in self.total.iter().chain(&self.parts) {
            let mut line = format!(
                "{}: {} ({range} {}–{})",
                m.label.get(lang),
                m.value.display(lang),
                m.min.display(lang),
                m.max.display(lang)
            );
            for extra in [m.band.as_ref().map(|b| &b.label), m.level.as_ref()]
                .into_iter()
                .flatten()
            {
                line.push_str(" — ");
                line.push_str(extra.get(lang));
            }
            if m.gap {
                line.push_str(" — ");
                line.push_str(gap_label().get(lang));
            }
            lines.push(line);
        }
        if self.total.as_ref().is_some_and(|t| t.band.is_some()) {
            lines.push(band_note().get(lang).to_owned());
        }
        lines.join("\n")
    }

    /// The FHIR R4 Observation (status `final`, category `survey`): the total as the value with
    /// its band as interpretation, subscores as components. Store it in scope `vragenlijsten`.
    #[must_use]
    pub fn observation(
        &self,
        id: Option<&ResourceId>,
        derived_from: Option<&ResourceId>,
    ) -> Observation {
        let (value_integer, value_quantity) = self.total.as_ref().map_or((None, None), value_of);
        let band = self.total.as_ref().and_then(|t| t.band.as_ref());
        Observation {
            resource_type: Observation::RESOURCE_TYPE.to_owned(),
            id: id.map(ToString::to_string),
            status: "final".to_owned(),
            category: vec![CodeableConcept::of(Coding {
                system: Some(fhir::OBSERVATION_CATEGORY.to_owned()),
                code: Some("survey".to_owned()),
                display: Some("Survey".to_owned()),
                ..Coding::default()
            })],
            code: CodeableConcept {
                coding: vec![Coding::new(
                    fhir::SCORE_SYSTEM,
                    &self.instrument,
                    &self.title,
                )],
                text: Some(self.title.nl.clone()),
            },
            effective_date_time: Some(self.effective_text.clone()),
            value_integer,
            value_quantity,
            interpretation: band
                .map(|b| CodeableConcept::of(Coding::new(b.system.as_str(), &b.code, &b.label)))
                .into_iter()
                .collect(),
            note: band
                .map(|_| {
                    let note = band_note();
                    Annotation {
                        text: note.nl.clone(),
                        text_ext: fhir::translation_of(&note),
                    }
                })
                .into_iter()
                .collect(),
            method: self
                .method
                .as_ref()
                .map(|m| CodeableConcept::of(Coding::new(m.system.as_deref(), &m.code, &m.label))),
            derived_from: derived_from
                .map(|r| Reference {
                    reference: format!("QuestionnaireResponse/{r}"),
                })
                .into_iter()
                .collect(),
            component: self.parts.iter().map(|m| self.component(m)).collect(),
        }
    }

    fn component(&self, m: &Measure) -> ObservationComponent {
        let (value_integer, value_quantity) = value_of(m);
        ObservationComponent {
            code: CodeableConcept::of(Coding::new(
                fhir::SCORE_SYSTEM,
                &format!("{}.{}", self.instrument, m.key),
                &m.label,
            )),
            value_integer,
            value_quantity,
            interpretation: m
                .gap
                .then(|| {
                    CodeableConcept::of(Coding::new(fhir::FLAG_SYSTEM, GAP_CODE, &gap_label()))
                })
                .into_iter()
                .collect(),
        }
    }

    /// Reads back an Observation this crate wrote for `instrument`; labels, ranges, bands and
    /// levels come from the instrument.
    ///
    /// # Errors
    /// [`ReadScoreError`] when it is another instrument's or does not match the definition.
    pub fn from_observation(
        instrument: &Instrument,
        obs: &Observation,
    ) -> Result<Self, ReadScoreError> {
        let code = obs
            .code
            .in_system(fhir::SCORE_SYSTEM)
            .and_then(|c| c.code.as_deref());
        if obs.resource_type != Observation::RESOURCE_TYPE || code != Some(instrument.key()) {
            return Err(ReadScoreError::OtherInstrument);
        }
        let effective_text = obs
            .effective_date_time
            .clone()
            .ok_or(ReadScoreError::BadEffective)?;
        let effective =
            time::parse_datetime(&effective_text).map_err(|_| ReadScoreError::BadEffective)?;
        let total = match (
            instrument.total(),
            read_value(obs.value_integer, obs.value_quantity.as_ref()),
        ) {
            (Some(spec), Some(v)) => Some(measure(instrument, spec, v)?),
            (None, None) => None,
            _ => {
                return Err(ReadScoreError::BadMeasure(
                    crate::instrument::TOTAL.to_owned(),
                ))
            }
        };
        let prefix = format!("{}.", instrument.key());
        let mut parts = Vec::new();
        for spec in instrument.parts() {
            let mut found = obs.component.iter().filter(|c| {
                c.code
                    .in_system(fhir::SCORE_SYSTEM)
                    .and_then(|c| c.code.as_deref())
                    .and_then(|c| c.strip_prefix(&prefix))
                    == Some(spec.key.as_str())
            });
            let bad = || ReadScoreError::BadMeasure(spec.key.clone());
            let (Some(c), None) = (found.next(), found.next()) else {
                return Err(bad());
            };
            let value = read_value(c.value_integer, c.value_quantity.as_ref()).ok_or_else(bad)?;
            let mut m = measure(instrument, spec, value)?;
            m.gap = c.interpretation.iter().any(|i| {
                i.in_system(fhir::FLAG_SYSTEM)
                    .and_then(|c| c.code.as_deref())
                    == Some(GAP_CODE)
            });
            parts.push(m);
        }
        if obs.component.len() != parts.len() {
            return Err(ReadScoreError::BadMeasure(prefix));
        }
        let method = obs
            .method
            .as_ref()
            .and_then(|m| m.coding.first())
            .and_then(|c| c.code.as_deref())
            .and_then(|code| method_question(instrument)?.option(code))
            .map(|o| Method {
                code: o.code.clone(),
                system: o.system.clone(),
                label: o.label.clone(),
            });
        Ok(Self {
            instrument: instrument.key().to_owned(),
            title: instrument.title().clone(),
            effective,
            effective_text,
            total,
            parts,
            method,
        })
    }
}

/// Reads an Observation from JSON bytes.
///
/// # Errors
/// [`ReadScoreError::Json`] when it is not an Observation.
pub fn parse_observation(json: &[u8]) -> Result<Observation, ReadScoreError> {
    fhir::from_json_bytes(json).ok_or(ReadScoreError::Json)
}

fn value_of(m: &Measure) -> (Option<i64>, Option<Quantity>) {
    match m.value.as_whole() {
        Some(n) if m.whole => (Some(n), None),
        _ => (None, Some(Quantity::score(m.value))),
    }
}

fn read_value(integer: Option<i64>, quantity: Option<&Quantity>) -> Option<Points> {
    match (integer, quantity) {
        (Some(n), None) => Some(Points::whole(n)),
        (None, Some(q)) => Some(q.value),
        _ => None,
    }
}

fn method_question(instrument: &Instrument) -> Option<&Question> {
    instrument.questions().iter().find(|q| q.is_method)
}

/// A measure from its spec and value, with the band (totals) or level (item scores) filled in.
fn measure(
    instrument: &Instrument,
    spec: &MeasureSpec,
    value: Points,
) -> Result<Measure, ReadScoreError> {
    if value < spec.min || value > spec.max {
        return Err(ReadScoreError::BadMeasure(spec.key.clone()));
    }
    let is_total = instrument.total().is_some_and(|t| t.key == spec.key);
    let level = (instrument.scoring() == Scoring::Profile)
        .then(|| {
            instrument
                .questions()
                .iter()
                .find(|q| q.is_scored() && q.score_key == spec.key)
        })
        .flatten()
        .and_then(|q| match &q.kind {
            AnswerKind::Choice(options) => options.iter().find(|o| o.ordinal == Some(value)),
            _ => None,
        })
        .map(|o| o.label.clone());
    Ok(Measure {
        key: spec.key.clone(),
        label: spec.label.clone(),
        value,
        min: spec.min,
        max: spec.max,
        whole: spec.whole,
        band: if is_total {
            instrument.band_of(value).cloned()
        } else {
            None
        },
        level,
        gap: false,
    })
}

impl Completed {
    /// Scores the response with the instrument's method.
    ///
    /// # Errors
    /// [`ScoreError::Internal`] only on a bug (a completed response has every scored answer).
    pub fn score(&self) -> Result<ScoreSheet, ScoreError> {
        let instrument = self.instrument();
        let points = |q: &Question| self.points(q);
        let total = instrument
            .total()
            .map(|spec| {
                let value = match instrument.scoring() {
                    Scoring::ValuedLiving => Points::mean(
                        &self
                            .valued_living()?
                            .iter()
                            .map(|(_, p, _)| *p)
                            .collect::<Vec<_>>(),
                    )
                    .ok_or(ScoreError::Internal)?,
                    _ => sum(
                        instrument.questions().iter().filter(|q| q.is_scored()),
                        points,
                    )?,
                };
                measure(instrument, spec, value).map_err(|_| ScoreError::Internal)
            })
            .transpose()?;
        let parts = match instrument.scoring() {
            Scoring::Sum => instrument
                .parts()
                .iter()
                .map(|spec| {
                    let value = sum(self.in_section(&spec.key), points)?;
                    measure(instrument, spec, value).map_err(|_| ScoreError::Internal)
                })
                .collect::<Result<Vec<_>, _>>()?,
            Scoring::Profile => instrument
                .parts()
                .iter()
                .map(|spec| {
                    let q = instrument
                        .questions()
                        .iter()
                        .find(|q| q.is_scored() && q.score_key == spec.key)
                        .ok_or(ScoreError::Internal)?;
                    measure(instrument, spec, points(q)?).map_err(|_| ScoreError::Internal)
                })
                .collect::<Result<Vec<_>, _>>()?,
            Scoring::GroupMean => instrument
                .parts()
                .iter()
                .map(|spec| {
                    let values = self
                        .in_section(&spec.key)
                        .map(points)
                        .collect::<Result<Vec<_>, _>>()?;
                    let value = Points::mean(&values).ok_or(ScoreError::Internal)?;
                    measure(instrument, spec, value).map_err(|_| ScoreError::Internal)
                })
                .collect::<Result<Vec<_>, _>>()?,
            Scoring::ValuedLiving => self
                .valued_living()?
                .into_iter()
                .zip(instrument.parts())
                .map(|((_, product, gap), spec)| {
                    let mut m =
                        measure(instrument, spec, product).map_err(|_| ScoreError::Internal)?;
                    m.gap = gap;
                    Ok(m)
                })
                .collect::<Result<Vec<_>, _>>()?,
        };
        let method =
            method_question(instrument).and_then(|q| match self.answers().get(&q.link_id) {
                Some(AnswerValue::Code(code)) => q.option(code).map(|o| Method {
                    code: o.code.clone(),
                    system: o.system.clone(),
                    label: o.label.clone(),
                }),
                _ => None,
            });
        Ok(ScoreSheet {
            instrument: instrument.key().to_owned(),
            title: instrument.title().clone(),
            effective: self.authored(),
            effective_text: self.authored_text().to_owned(),
            total,
            parts,
            method,
        })
    }

    /// The points of one scored question's answer.
    fn points(&self, q: &Question) -> Result<Points, ScoreError> {
        match (&q.kind, self.answers().get(&q.link_id)) {
            (AnswerKind::Choice(_), Some(AnswerValue::Code(code))) => q
                .option(code)
                .and_then(|o| o.ordinal)
                .ok_or(ScoreError::Internal),
            (AnswerKind::Integer { .. }, Some(AnswerValue::Integer(n))) => Ok(Points::whole(*n)),
            _ => Err(ScoreError::Internal),
        }
    }

    /// The scored questions of the section with score key `key`.
    fn in_section<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Question> + 'a {
        let instrument = self.instrument();
        let index = instrument.sections().iter().position(|s| s.key == key);
        instrument
            .questions()
            .iter()
            .filter(move |q| q.is_scored() && index.is_some() && q.section == index)
    }

    /// Per VLQ domain: (domain, importance × consistency, gap highlighted).
    fn valued_living(&self) -> Result<Vec<(String, Points, bool)>, ScoreError> {
        let pairs = self
            .instrument()
            .valued_living_pairs()
            .map_err(|_: LoadError| ScoreError::Internal)?;
        pairs
            .into_iter()
            .map(|(importance, consistency)| {
                let i = self.points(importance)?;
                let c = self.points(consistency)?;
                let gap = i >= Points::whole(GAP_MIN_IMPORTANCE)
                    && i.minus(c) >= Points::whole(GAP_MIN_DIFFERENCE);
                Ok((domain_of(importance).to_owned(), i.times(c), gap))
            })
            .collect()
    }
}

fn sum<'a>(
    questions: impl Iterator<Item = &'a Question>,
    points: impl Fn(&Question) -> Result<Points, ScoreError>,
) -> Result<Points, ScoreError> {
    questions
        .map(points)
        .try_fold(Points::ZERO, |acc, p| Ok(acc.plus(p?)))
}
