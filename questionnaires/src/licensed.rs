//! Content that belongs to its owners and is loaded by a licence holder at run time: the full
//! 42-statement Positieve Gezondheid Questionnaire and the ZRM's per-cell criteria text.

use std::collections::BTreeMap;

use serde::Deserialize;
use thiserror::Error;

use crate::instrument::{AnswerKind, Direction, Instrument, LoadError, Scoring};
use crate::text::Text;

/// The six dimensions of Positieve Gezondheid: (key, Dutch name, English name).
pub const PG_DIMENSIONS: [(&str, &str, &str); 6] = [
    ("lichaamsfuncties", "Lichaamsfuncties", "Bodily functions"),
    (
        "mentaal-welbevinden",
        "Mentaal welbevinden",
        "Mental well-being",
    ),
    ("zingeving", "Zingeving", "Meaningfulness"),
    (
        "kwaliteit-van-leven",
        "Kwaliteit van leven",
        "Quality of life",
    ),
    ("meedoen", "Meedoen", "Participation"),
    (
        "dagelijks-functioneren",
        "Dagelijks functioneren",
        "Daily functioning",
    ),
];

fn normalise(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl Instrument {
    /// Loads a licence holder's full Positieve Gezondheid Questionnaire and scores it per
    /// dimension (the mean of each dimension's statements; no total).
    ///
    /// The file must have exactly six top-level groups, one per dimension, recognised by the
    /// group's `code` (a key of [`PG_DIMENSIONS`]) or its text (the Dutch dimension name, case
    /// and spacing ignored). Statements are integer items with `minValue`/`maxValue` or choice
    /// items with `ordinalValue`s.
    ///
    /// # Errors
    /// [`LoadError`] when the file is no Questionnaire or does not have this shape.
    pub fn positieve_gezondheid_full(json: &str) -> Result<Self, LoadError> {
        let mut instrument = Self::from_json(json)?;
        let shape = |reason: String| LoadError::Shape {
            method: Scoring::GroupMean.code(),
            reason,
        };
        if instrument.sections.len() != PG_DIMENSIONS.len() {
            return Err(shape(format!(
                "verwacht 6 groepen (dimensies), gevonden {}",
                instrument.sections.len()
            )));
        }
        for section in &mut instrument.sections {
            let (key, nl, en) = PG_DIMENSIONS
                .iter()
                .find(|(key, nl, _)| {
                    section.key == *key || normalise(&section.label.nl) == normalise(nl)
                })
                .ok_or_else(|| shape(format!("groep {} is geen dimensie", section.link_id)))?;
            section.key = (*key).to_owned();
            section.label = Text::new(*nl, *en);
        }
        instrument.scoring = Scoring::GroupMean;
        instrument.direction = Some(Direction::HigherIsBetter);
        // Six groups each matched a dimension; a dimension matched twice shows up as a
        // duplicate score key here.
        instrument.derive_measures()?;
        if instrument.parts.len() != PG_DIMENSIONS.len() {
            return Err(shape(
                "een dimensie heeft geen gescoorde uitspraken".to_owned(),
            ));
        }
        Ok(instrument)
    }

    /// Adds a licence holder's criteria text to the options of this instrument's scored choice
    /// questions (the ZRM's 13 × 5 cells). Every cell must be given; the text is shown with
    /// the option in a filler and never stored in responses.
    ///
    /// Format: `{"format": "rugzak-criteria/1", "instrument": "zrm-2017", "criteria":
    /// {"<score key>": {"<option code>": {"nl": "…", "en": "…"}}}}`.
    ///
    /// # Errors
    /// [`CriteriaError`] naming the domain or cell at fault.
    pub fn with_criteria(mut self, json: &str) -> Result<Self, CriteriaError> {
        let file: CriteriaFile = serde_json::from_str(json).map_err(|_| CriteriaError::Json)?;
        if file.format != CRITERIA_FORMAT {
            return Err(CriteriaError::Format);
        }
        if file.instrument != self.key {
            return Err(CriteriaError::OtherInstrument);
        }
        let mut criteria = file.criteria;
        for q in self
            .questions
            .iter_mut()
            .filter(|q| q.score_range().is_some())
        {
            let AnswerKind::Choice(options) = &mut q.kind else {
                continue;
            };
            let domain = q.score_key.clone();
            let mut cells = criteria
                .remove(&domain)
                .ok_or_else(|| CriteriaError::MissingDomain(domain.clone()))?;
            for option in options.iter_mut() {
                let text =
                    cells
                        .remove(&option.code)
                        .ok_or_else(|| CriteriaError::MissingCell {
                            domain: domain.clone(),
                            level: option.code.clone(),
                        })?;
                option.criteria = Some(text);
            }
            if let Some(level) = cells.into_keys().next() {
                return Err(CriteriaError::UnknownCell { domain, level });
            }
        }
        match criteria.into_keys().next() {
            Some(domain) => Err(CriteriaError::UnknownDomain(domain)),
            None => Ok(self),
        }
    }
}

/// The format tag of a criteria file.
pub const CRITERIA_FORMAT: &str = "rugzak-criteria/1";

#[derive(Deserialize)]
struct CriteriaFile {
    format: String,
    instrument: String,
    criteria: BTreeMap<String, BTreeMap<String, Text>>,
}

/// Why a criteria file could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CriteriaError {
    /// Not JSON of the criteria format.
    #[error("criteriabestand is geen geldige JSON / criteria file is not valid JSON")]
    Json,
    /// Another format tag.
    #[error("criteriabestand heeft niet het formaat rugzak-criteria/1 / criteria file is not rugzak-criteria/1")]
    Format,
    /// The file is for another instrument.
    #[error("criteriabestand hoort bij een ander instrument / criteria file belongs to another instrument")]
    OtherInstrument,
    /// A domain of the instrument has no criteria.
    #[error("criteria voor domein {0} ontbreken / criteria for domain {0} are missing")]
    MissingDomain(String),
    /// A cell has no criteria.
    #[error("criteria voor domein {domain}, niveau {level} ontbreken / criteria for domain {domain}, level {level} are missing")]
    MissingCell {
        /// The domain.
        domain: String,
        /// The level.
        level: String,
    },
    /// A domain the instrument does not have.
    #[error("onbekend domein {0} / unknown domain {0}")]
    UnknownDomain(String),
    /// A level the domain does not have.
    #[error("domein {domain} heeft geen niveau {level} / domain {domain} has no level {level}")]
    UnknownCell {
        /// The domain.
        domain: String,
        /// The level.
        level: String,
    },
}
