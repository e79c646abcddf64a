//! Instruments: FHIR R4 Questionnaires loaded into a checked, read-only model.
//!
//! Any Questionnaire in the supported subset loads the same way: items of type `group`,
//! `display`, `choice` (with `answerOption.valueCoding`), `integer`, `string`, `text` and
//! `boolean`. A choice item whose every option carries an `ordinalValue` is scored; so is an
//! integer item with both `minValue` and `maxValue`. Scored items must always be answered.

pub(crate) mod load;

use crate::points::Points;
use crate::text::Text;

pub use load::LoadError;

/// How a Questionnaire's answers become scores (extension [`crate::fhir::EXT_SCORING`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scoring {
    /// A total: the sum of all scored items; a subtotal per top-level group. Default.
    Sum,
    /// One score per scored item, no total (ZRM, the short Positieve Gezondheid).
    Profile,
    /// The mean of each top-level group's scored items, no total (Positieve Gezondheid, 42 items).
    GroupMean,
    /// VLQ: per domain importance × consistency; the total is the mean of the products.
    ValuedLiving,
}

impl Scoring {
    /// The code used in the extension.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Sum => "sum",
            Self::Profile => "profile",
            Self::GroupMean => "group-mean",
            Self::ValuedLiving => "valued-living",
        }
    }
}

/// Which way a score is better (extension [`crate::fhir::EXT_SCORE_DIRECTION`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// A higher score is better (VLQ, ZRM, Positieve Gezondheid).
    HigherIsBetter,
    /// A higher score is worse (PSS-10: more stress).
    HigherIsWorse,
}

/// One interpretation band of a total, e.g. PSS-10 14–26 "matig".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band {
    /// Lowest total in the band (inclusive).
    pub min: Points,
    /// Highest total in the band (inclusive).
    pub max: Points,
    /// Code system of the band code.
    pub system: String,
    /// Band code (`laag`, `matig`, `hoog`).
    pub code: String,
    /// Band label.
    pub label: Text,
}

/// What kind of answer a question takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerKind {
    /// One of a fixed list of options.
    Choice(Vec<Choice>),
    /// A whole number, optionally bounded.
    Integer {
        /// Lowest allowed value.
        min: Option<i64>,
        /// Highest allowed value.
        max: Option<i64>,
    },
    /// One line of free text.
    String,
    /// Several lines of free text.
    Text,
    /// Yes or no.
    Boolean,
}

/// One option of a choice question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The code the person enters or the UI sends.
    pub code: String,
    /// The code system, if the Questionnaire gave one.
    pub system: Option<String>,
    /// The label shown.
    pub label: Text,
    /// The score of this option (`ordinalValue`), if scored.
    pub ordinal: Option<Points>,
    /// Licensed criteria text for this option (ZRM cells), when a licence holder loaded it.
    pub criteria: Option<Text>,
}

/// One question, with the context a UI needs to show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// The Questionnaire item's linkId.
    pub link_id: String,
    /// Number or letter shown before the text.
    pub prefix: Option<String>,
    /// The question.
    pub text: Text,
    /// The answer it takes.
    pub kind: AnswerKind,
    /// Whether the Questionnaire marks it required. Scored questions are always required.
    pub required: bool,
    /// Score key, from the item's first `code` (default: the linkId).
    pub score_key: String,
    /// Short label of its score, from that code's display (default: the question text).
    pub score_label: Text,
    /// Index into [`Instrument::sections`] of the top-level group holding this question.
    pub section: Option<usize>,
    /// Display items just before this question (instructions), in order.
    pub preamble: Vec<Text>,
    /// Whether the answer records who rated (becomes `Observation.method`).
    pub is_method: bool,
}

impl Question {
    /// Whether the answer counts towards a score.
    #[must_use]
    pub fn is_scored(&self) -> bool {
        self.score_range().is_some()
    }

    /// Whether the person must answer (required, or scored).
    #[must_use]
    pub fn must_answer(&self) -> bool {
        self.required || self.is_scored()
    }

    /// Lowest and highest score this question can give, if it is scored.
    #[must_use]
    pub fn score_range(&self) -> Option<(Points, Points)> {
        match &self.kind {
            AnswerKind::Choice(options) => {
                let ordinals: Option<Vec<Points>> = options.iter().map(|o| o.ordinal).collect();
                let ordinals = ordinals?;
                Some((*ordinals.iter().min()?, *ordinals.iter().max()?))
            }
            AnswerKind::Integer {
                min: Some(min),
                max: Some(max),
            } => Some((Points::whole(*min), Points::whole(*max))),
            _ => None,
        }
    }

    /// The option with `code`, for a choice question.
    #[must_use]
    pub fn option(&self, code: &str) -> Option<&Choice> {
        match &self.kind {
            AnswerKind::Choice(options) => options.iter().find(|o| o.code == code),
            _ => None,
        }
    }
}

/// A top-level group: a section of the form and, where it has scored items, a subscore.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The group's linkId.
    pub link_id: String,
    /// Score key (from the group's `code`, else its linkId).
    pub key: String,
    /// Heading (from the group's text, else its `code` display, else its linkId).
    pub label: Text,
}

/// The item tree, kept to nest a QuestionnaireResponse the way the Questionnaire nests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Node {
    Group {
        link_id: String,
        text: Option<Text>,
        children: Vec<Node>,
    },
    Display,
    Question(usize),
}

/// What a score of an instrument is called and its range (known from the definition alone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureSpec {
    /// Key: `totaal` for a total, else a domain, group or item key.
    pub key: String,
    /// Label for people.
    pub label: Text,
    /// Lowest possible value.
    pub min: Points,
    /// Highest possible value.
    pub max: Points,
    /// Whether every value is a whole number (written as `valueInteger`, else `valueQuantity`).
    pub whole: bool,
}

/// The key of an instrument's total score.
pub const TOTAL: &str = "totaal";

/// A loaded, checked questionnaire with its scoring rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instrument {
    pub(crate) key: String,
    pub(crate) url: String,
    pub(crate) version: Option<String>,
    pub(crate) title: Text,
    pub(crate) description: Option<Text>,
    pub(crate) copyright: Option<Text>,
    pub(crate) scoring: Scoring,
    pub(crate) direction: Option<Direction>,
    pub(crate) bands: Vec<Band>,
    pub(crate) nodes: Vec<Node>,
    pub(crate) questions: Vec<Question>,
    pub(crate) sections: Vec<Section>,
    pub(crate) total: Option<MeasureSpec>,
    pub(crate) parts: Vec<MeasureSpec>,
}

impl Instrument {
    /// Key (the Questionnaire's `id`), e.g. `pss-10`; also the score code of its Observations.
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Canonical URL.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Business version.
    #[must_use]
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// `url|version`, as a QuestionnaireResponse cites it.
    #[must_use]
    pub fn canonical(&self) -> String {
        match &self.version {
            Some(v) => format!("{}|{v}", self.url),
            None => self.url.clone(),
        }
    }

    /// Title.
    #[must_use]
    pub fn title(&self) -> &Text {
        &self.title
    }

    /// Introduction for the person filling it in.
    #[must_use]
    pub fn description(&self) -> Option<&Text> {
        self.description.as_ref()
    }

    /// Copyright and licence statement.
    #[must_use]
    pub fn copyright(&self) -> Option<&Text> {
        self.copyright.as_ref()
    }

    /// Scoring method.
    #[must_use]
    pub fn scoring(&self) -> Scoring {
        self.scoring
    }

    /// Which way is better, if the definition says.
    #[must_use]
    pub fn direction(&self) -> Option<Direction> {
        self.direction
    }

    /// Interpretation bands of the total (empty when the instrument has none).
    #[must_use]
    pub fn bands(&self) -> &[Band] {
        &self.bands
    }

    /// The questions in the order they are asked.
    #[must_use]
    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    /// The question with `link_id`.
    #[must_use]
    pub fn question(&self, link_id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.link_id == link_id)
    }

    /// Top-level groups.
    #[must_use]
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    /// The total score, if the scoring method has one.
    #[must_use]
    pub fn total(&self) -> Option<&MeasureSpec> {
        self.total.as_ref()
    }

    /// The subscores or per-domain scores, in order.
    #[must_use]
    pub fn parts(&self) -> &[MeasureSpec] {
        &self.parts
    }

    /// The measure (total or part) with `key`.
    #[must_use]
    pub fn measure(&self, key: &str) -> Option<&MeasureSpec> {
        self.total.iter().chain(&self.parts).find(|m| m.key == key)
    }

    /// The band holding `total`.
    #[must_use]
    pub fn band_of(&self, total: Points) -> Option<&Band> {
        self.bands.iter().find(|b| b.min <= total && total <= b.max)
    }
}
