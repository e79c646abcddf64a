//! The instruments shipped with Rugzak, plus any a licence holder adds.

use thiserror::Error;

use crate::answer::{self, Completed, FillError};
use crate::fhir;
use crate::instrument::{Instrument, LoadError};
use crate::score::{self, ReadScoreError, ScoreSheet};

/// Key of the Perceived Stress Scale.
pub const PSS_10: &str = "pss-10";
/// Key of the Valued Living Questionnaire.
pub const VLQ: &str = "vlq";
/// Key of the Zelfredzaamheid-Matrix, 2017 version (domain names and levels only).
pub const ZRM_2017: &str = "zrm-2017";
/// Key of the short Positieve Gezondheid self-rating (one 0–10 rating per dimension).
pub const POSITIEVE_GEZONDHEID_KORT: &str = "positieve-gezondheid-kort";
/// Key of the check-in used inside programmes.
pub const CHECK_IN: &str = "check-in";

/// The shipped FHIR R4 Questionnaires, in listing order.
const BUILTIN: [&str; 5] = [
    include_str!("../definitions/questionnaires/pss-10.json"),
    include_str!("../definitions/questionnaires/vlq.json"),
    include_str!("../definitions/questionnaires/zrm-2017.json"),
    include_str!("../definitions/questionnaires/positieve-gezondheid-kort.json"),
    include_str!("../definitions/questionnaires/check-in.json"),
];

/// The JSON text of every shipped Questionnaire (for export or validation).
#[must_use]
pub fn builtin_json() -> &'static [&'static str] {
    &BUILTIN
}

/// Adding an instrument failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CatalogError {
    /// An instrument with this key or URL is already present.
    #[error("instrument {0} bestaat al / instrument {0} already exists")]
    Duplicate(String),
}

/// A set of instruments, looked up by key or canonical URL.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Catalog {
    instruments: Vec<Instrument>,
}

impl Catalog {
    /// The shipped instruments: PSS-10, VLQ, ZRM 2017, Positieve Gezondheid (short), check-in.
    ///
    /// # Errors
    /// [`LoadError`] only if a shipped definition is broken (the tests load them all).
    pub fn builtin() -> Result<Self, LoadError> {
        let instruments = BUILTIN
            .iter()
            .map(|json| Instrument::from_json(json))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { instruments })
    }

    /// All instruments, in listing order.
    #[must_use]
    pub fn list(&self) -> &[Instrument] {
        &self.instruments
    }

    /// The instrument with `key`.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Instrument> {
        self.instruments.iter().find(|i| i.key() == key)
    }

    /// The instrument a QuestionnaireResponse cites (`url` or `url|version`).
    #[must_use]
    pub fn by_canonical(&self, canonical: &str) -> Option<&Instrument> {
        let url = canonical.split('|').next().unwrap_or(canonical);
        self.instruments.iter().find(|i| i.url() == url)
    }

    /// Adds an instrument (e.g. a licence holder's), or replaces one with the same key and URL
    /// (e.g. the ZRM with criteria text loaded).
    ///
    /// # Errors
    /// [`CatalogError::Duplicate`] when only its key or only its URL is taken.
    pub fn add(&mut self, instrument: Instrument) -> Result<(), CatalogError> {
        let same = |i: &Instrument| i.key() == instrument.key() && i.url() == instrument.url();
        if let Some(slot) = self.instruments.iter_mut().find(|i| same(i)) {
            *slot = instrument;
            return Ok(());
        }
        if self
            .instruments
            .iter()
            .any(|i| i.key() == instrument.key() || i.url() == instrument.url())
        {
            return Err(CatalogError::Duplicate(instrument.key().to_owned()));
        }
        self.instruments.push(instrument);
        Ok(())
    }

    /// Reads a stored QuestionnaireResponse (vault item bytes) of one of these instruments and
    /// checks it again, ready to score.
    ///
    /// # Errors
    /// [`FillError`]: not a response, an unknown questionnaire, or invalid or missing answers.
    pub fn read_response(&self, json: &[u8]) -> Result<Completed, FillError> {
        let response = answer::parse_response(json)?;
        let instrument = response
            .questionnaire
            .as_deref()
            .and_then(|c| self.by_canonical(c))
            .ok_or(FillError::OtherQuestionnaire)?;
        Completed::from_response(instrument.clone(), &response)
    }

    /// Reads a stored score Observation (vault item bytes) of one of these instruments.
    ///
    /// # Errors
    /// [`ReadScoreError`]: not an Observation, an unknown instrument, or scores that do not fit.
    pub fn read_observation(&self, json: &[u8]) -> Result<ScoreSheet, ReadScoreError> {
        let obs = score::parse_observation(json)?;
        let instrument = obs
            .code
            .in_system(fhir::SCORE_SYSTEM)
            .and_then(|c| c.code.as_deref())
            .and_then(|key| self.get(key))
            .ok_or(ReadScoreError::OtherInstrument)?;
        ScoreSheet::from_observation(instrument, &obs)
    }
}
