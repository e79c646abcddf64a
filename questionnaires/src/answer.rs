//! Answers: validation of every answer, the completed (fully answered) response, and the
//! QuestionnaireResponse it becomes.

use std::collections::BTreeMap;
use std::fmt;

use thiserror::Error;

use crate::fhir::{
    self, Coding, QuestionnaireResponse, Resource, ResourceId, ResponseAnswer, ResponseItem,
};
use crate::instrument::{AnswerKind, Instrument, Node, Question};
use crate::time::{self, TimeOutOfRange, UnixTime};

/// One answer to one question.
#[derive(Clone, PartialEq, Eq)]
pub enum AnswerValue {
    /// The code of a chosen option.
    Code(String),
    /// A whole number.
    Integer(i64),
    /// Free text.
    String(String),
    /// Yes (`true`) or no.
    Boolean(bool),
}

/// Answers are health data: `Debug` shows only the kind of answer.
impl fmt::Debug for AnswerValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            Self::Code(_) => "Code",
            Self::Integer(_) => "Integer",
            Self::String(_) => "String",
            Self::Boolean(_) => "Boolean",
        };
        write!(f, "{kind}([redacted])")
    }
}

/// A question named in an error: its linkId and Dutch text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionRef {
    /// The linkId.
    pub link_id: String,
    /// The question text (Dutch).
    pub text: String,
}

impl From<&Question> for QuestionRef {
    fn from(q: &Question) -> Self {
        Self {
            link_id: q.link_id.clone(),
            text: q.text.nl.clone(),
        }
    }
}

impl fmt::Display for QuestionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} «{}»", self.link_id, self.text)
    }
}

/// What kind of answer a question expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// One of the option codes.
    OptionCode,
    /// A whole number.
    WholeNumber,
    /// Text.
    Text,
    /// Yes or no.
    YesNo,
}

impl Expected {
    fn of(kind: &AnswerKind) -> Self {
        match kind {
            AnswerKind::Choice(_) => Self::OptionCode,
            AnswerKind::Integer { .. } => Self::WholeNumber,
            AnswerKind::String | AnswerKind::Text => Self::Text,
            AnswerKind::Boolean => Self::YesNo,
        }
    }

    /// Dutch description.
    #[must_use]
    pub const fn nl(self) -> &'static str {
        match self {
            Self::OptionCode => "een van de optiecodes",
            Self::WholeNumber => "een geheel getal",
            Self::Text => "tekst",
            Self::YesNo => "ja of nee",
        }
    }

    /// English description.
    #[must_use]
    pub const fn en(self) -> &'static str {
        match self {
            Self::OptionCode => "one of the option codes",
            Self::WholeNumber => "a whole number",
            Self::Text => "text",
            Self::YesNo => "yes or no",
        }
    }
}

/// A bound range as text: `0–4`, `≥ 0`, `≤ 10`.
fn range_text(min: Option<i64>, max: Option<i64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("{a}–{b}"),
        (Some(a), None) => format!("≥ {a}"),
        (None, Some(b)) => format!("≤ {b}"),
        (None, None) => String::new(),
    }
}

/// Why one answer was refused. Never repeats the answer given (it may be health data).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AnswerError {
    /// The code is not one of the question's options.
    #[error("vraag {question}: kies een van de opties {options} / question {}: choose one of the options {options}", .question.link_id)]
    NotAnOption {
        /// The question.
        question: QuestionRef,
        /// The allowed codes, comma separated.
        options: String,
    },
    /// A number outside the allowed range.
    #[error("vraag {question}: het antwoord valt buiten {} / question {}: the answer is outside {}", range_text(*.min, *.max), .question.link_id, range_text(*.min, *.max))]
    OutOfRange {
        /// The question.
        question: QuestionRef,
        /// Lowest allowed value.
        min: Option<i64>,
        /// Highest allowed value.
        max: Option<i64>,
    },
    /// The wrong kind of answer.
    #[error("vraag {question}: verwacht {} / question {}: expected {}", .expected.nl(), .question.link_id, .expected.en())]
    WrongType {
        /// The question.
        question: QuestionRef,
        /// What it takes.
        expected: Expected,
    },
    /// An empty text answer.
    #[error("vraag {question}: het antwoord is leeg / question {}: the answer is empty", .question.link_id)]
    Empty {
        /// The question.
        question: QuestionRef,
    },
    /// Skipping a question that must be answered.
    #[error("vraag {question}: deze vraag moet beantwoord worden / question {}: this question must be answered", .question.link_id)]
    Required {
        /// The question.
        question: QuestionRef,
    },
}

impl Question {
    /// Checks `value` against this question: type, option set, range, non-empty text.
    ///
    /// # Errors
    /// [`AnswerError`] naming this question.
    pub fn check(&self, value: &AnswerValue) -> Result<(), AnswerError> {
        let question = || QuestionRef::from(self);
        match (&self.kind, value) {
            (AnswerKind::Choice(options), AnswerValue::Code(code)) => {
                if options.iter().any(|o| &o.code == code) {
                    Ok(())
                } else {
                    Err(AnswerError::NotAnOption {
                        question: question(),
                        options: options
                            .iter()
                            .map(|o| o.code.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    })
                }
            }
            (AnswerKind::Integer { min, max }, AnswerValue::Integer(n)) => {
                if min.is_some_and(|m| *n < m) || max.is_some_and(|m| *n > m) {
                    Err(AnswerError::OutOfRange {
                        question: question(),
                        min: *min,
                        max: *max,
                    })
                } else {
                    Ok(())
                }
            }
            (AnswerKind::String | AnswerKind::Text, AnswerValue::String(s)) => {
                if s.trim().is_empty() {
                    Err(AnswerError::Empty {
                        question: question(),
                    })
                } else {
                    Ok(())
                }
            }
            (AnswerKind::Boolean, AnswerValue::Boolean(_)) => Ok(()),
            (kind, _) => Err(AnswerError::WrongType {
                question: question(),
                expected: Expected::of(kind),
            }),
        }
    }

    /// Reads what a person typed (option code, number, text, `ja`/`nee`) and checks it.
    ///
    /// # Errors
    /// [`AnswerError`] naming this question.
    pub fn parse_input(&self, input: &str) -> Result<AnswerValue, AnswerError> {
        let input = input.trim();
        let wrong = || AnswerError::WrongType {
            question: QuestionRef::from(self),
            expected: Expected::of(&self.kind),
        };
        let value = match &self.kind {
            AnswerKind::Choice(_) => AnswerValue::Code(input.to_owned()),
            AnswerKind::Integer { .. } => AnswerValue::Integer(input.parse().map_err(|_| wrong())?),
            AnswerKind::String | AnswerKind::Text => AnswerValue::String(input.to_owned()),
            AnswerKind::Boolean => match input.to_lowercase().as_str() {
                "ja" | "j" | "yes" | "y" => AnswerValue::Boolean(true),
                "nee" | "n" | "no" => AnswerValue::Boolean(false),
                _ => return Err(wrong()),
            },
        };
        self.check(&value)?;
        Ok(value)
    }

    /// Reads one value of a JSON answers map and checks it. A choice takes its code as a string
    /// or, for numeric codes, as a number.
    fn read_json_value(&self, value: &serde_json::Value) -> Result<AnswerValue, AnswerError> {
        use serde_json::Value as J;
        let wrong = || AnswerError::WrongType {
            question: QuestionRef::from(self),
            expected: Expected::of(&self.kind),
        };
        let answer = match (&self.kind, value) {
            (AnswerKind::Choice(_), J::String(s)) => AnswerValue::Code(s.clone()),
            (AnswerKind::Choice(_), J::Number(n)) if n.is_i64() => AnswerValue::Code(n.to_string()),
            (AnswerKind::Integer { .. }, J::Number(n)) => {
                AnswerValue::Integer(n.as_i64().ok_or_else(wrong)?)
            }
            (AnswerKind::String | AnswerKind::Text, J::String(s)) => AnswerValue::String(s.clone()),
            (AnswerKind::Boolean, J::Bool(b)) => AnswerValue::Boolean(*b),
            _ => return Err(wrong()),
        };
        self.check(&answer)?;
        Ok(answer)
    }
}

/// The answers given so far, by linkId. `Debug` shows only which questions are answered.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Answers(BTreeMap<String, AnswerValue>);

impl fmt::Debug for Answers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl Answers {
    /// The answer to `link_id`.
    #[must_use]
    pub fn get(&self, link_id: &str) -> Option<&AnswerValue> {
        self.0.get(link_id)
    }

    /// How many questions are answered.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether nothing is answered.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn set(&mut self, link_id: &str, value: AnswerValue) {
        self.0.insert(link_id.to_owned(), value);
    }

    pub(crate) fn remove(&mut self, link_id: &str) {
        self.0.remove(link_id);
    }
}

/// Why a set of answers could not be completed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FillError {
    /// The answers file is not JSON.
    #[error("antwoordbestand is geen geldige JSON / answers file is not valid JSON")]
    Json,
    /// The answers file is not a JSON object of linkId → answer.
    #[error("antwoordbestand moet een object zijn van linkId naar antwoord / answers file must be an object of linkId to answer")]
    NotAnObject,
    /// An answer to a question the instrument does not have.
    #[error("onbekende vraag {0} / unknown question {0}")]
    UnknownQuestion(String),
    /// A refused answer.
    #[error(transparent)]
    Invalid(#[from] AnswerError),
    /// Questions that must be answered are not: nothing is scored from a partial set.
    #[error("antwoord ontbreekt bij {} / answer missing for {}", list(.0), .0.iter().map(|q| q.link_id.as_str()).collect::<Vec<_>>().join(", "))]
    Missing(Vec<QuestionRef>),
    /// The response names another questionnaire.
    #[error("het antwoord hoort bij een andere vragenlijst / the response belongs to another questionnaire")]
    OtherQuestionnaire,
    /// The response's `authored` time is missing or invalid.
    #[error(
        "tijdstip van invullen ontbreekt of is ongeldig / time of filling in is missing or invalid"
    )]
    BadAuthored,
    /// The time of filling in cannot be written as a FHIR dateTime.
    #[error(transparent)]
    Time(#[from] TimeOutOfRange),
}

fn list(questions: &[QuestionRef]) -> String {
    questions
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A fully answered, validated response: every required and every scored question answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completed {
    instrument: Instrument,
    answers: Answers,
    authored: UnixTime,
    authored_text: String,
}

impl Completed {
    /// Checks `answers` against `instrument` and seals them with the time of filling in.
    ///
    /// # Errors
    /// [`FillError::Missing`] listing every unanswered question that must be answered;
    /// [`FillError::Invalid`] for the first invalid answer; [`FillError::Time`].
    pub fn new(
        instrument: Instrument,
        answers: Answers,
        authored: UnixTime,
    ) -> Result<Self, FillError> {
        for (link_id, value) in &answers.0 {
            let q = instrument
                .question(link_id)
                .ok_or_else(|| FillError::UnknownQuestion(link_id.clone()))?;
            q.check(value)?;
        }
        let missing: Vec<QuestionRef> = instrument
            .questions()
            .iter()
            .filter(|q| q.must_answer() && answers.get(&q.link_id).is_none())
            .map(QuestionRef::from)
            .collect();
        if !missing.is_empty() {
            return Err(FillError::Missing(missing));
        }
        let authored_text = time::format_datetime(authored)?;
        Ok(Self {
            instrument,
            answers,
            authored,
            authored_text,
        })
    }

    /// Reads a JSON object of linkId → answer (`"pss-1": 2`, `"belang.werk": 7`, `"opmerking": "…"`;
    /// `null` means unanswered) and completes it.
    ///
    /// # Errors
    /// [`FillError`] naming the question at fault.
    pub fn from_answers_json(
        instrument: Instrument,
        json: &str,
        authored: UnixTime,
    ) -> Result<Self, FillError> {
        let value: serde_json::Value = serde_json::from_str(json).map_err(|_| FillError::Json)?;
        let map = value.as_object().ok_or(FillError::NotAnObject)?;
        let mut answers = Answers::default();
        for (link_id, value) in map {
            let q = instrument
                .question(link_id)
                .ok_or_else(|| FillError::UnknownQuestion(link_id.clone()))?;
            if !value.is_null() {
                answers.set(link_id, q.read_json_value(value)?);
            }
        }
        Self::new(instrument, answers, authored)
    }

    /// Reads back a QuestionnaireResponse (e.g. a stored vault item) to score it again.
    ///
    /// # Errors
    /// [`FillError`]: another questionnaire, a missing time, or invalid or missing answers.
    pub fn from_response(
        instrument: Instrument,
        response: &QuestionnaireResponse,
    ) -> Result<Self, FillError> {
        let cited = response.questionnaire.as_deref().unwrap_or_default();
        if cited.split('|').next() != Some(instrument.url()) {
            return Err(FillError::OtherQuestionnaire);
        }
        let authored = response
            .authored
            .as_deref()
            .and_then(|a| time::parse_datetime(a).ok())
            .ok_or(FillError::BadAuthored)?;
        let mut answers = Answers::default();
        collect_answers(&instrument, &response.item, &mut answers)?;
        Self::new(instrument, answers, authored)
    }

    /// The instrument.
    #[must_use]
    pub fn instrument(&self) -> &Instrument {
        &self.instrument
    }

    /// The answers.
    #[must_use]
    pub fn answers(&self) -> &Answers {
        &self.answers
    }

    /// When it was filled in.
    #[must_use]
    pub fn authored(&self) -> UnixTime {
        self.authored
    }

    pub(crate) fn authored_text(&self) -> &str {
        &self.authored_text
    }

    /// The FHIR R4 QuestionnaireResponse (status `completed`, language `nl`), nested like the
    /// Questionnaire. Store it as a vault item in scope `vragenlijsten`.
    #[must_use]
    pub fn response(&self, id: Option<&ResourceId>) -> QuestionnaireResponse {
        QuestionnaireResponse {
            resource_type: QuestionnaireResponse::RESOURCE_TYPE.to_owned(),
            id: id.map(ToString::to_string),
            language: Some("nl".to_owned()),
            questionnaire: Some(self.instrument.canonical()),
            status: "completed".to_owned(),
            authored: Some(self.authored_text.clone()),
            item: self.response_items(&self.instrument.nodes),
        }
    }

    fn response_items(&self, nodes: &[Node]) -> Vec<ResponseItem> {
        nodes
            .iter()
            .filter_map(|node| match node {
                Node::Group {
                    link_id,
                    text,
                    children,
                } => {
                    let item = self.response_items(children);
                    // A group with no answered questions is left out, as FHIR requires.
                    (!item.is_empty()).then(|| ResponseItem {
                        link_id: link_id.clone(),
                        text: text.as_ref().map(|t| t.nl.clone()),
                        answer: Vec::new(),
                        item,
                    })
                }
                Node::Display => None,
                Node::Question(index) => {
                    let q = self.instrument.questions().get(*index)?;
                    let value = self.answers.get(&q.link_id)?;
                    Some(ResponseItem {
                        link_id: q.link_id.clone(),
                        text: Some(q.text.nl.clone()),
                        answer: vec![response_answer(q, value)],
                        item: Vec::new(),
                    })
                }
            })
            .collect()
    }
}

fn response_answer(q: &Question, value: &AnswerValue) -> ResponseAnswer {
    match value {
        AnswerValue::Code(code) => ResponseAnswer {
            value_coding: Some(match q.option(code) {
                Some(option) => Coding {
                    system: option.system.clone(),
                    code: Some(code.clone()),
                    display: Some(option.label.nl.clone()),
                    ..Coding::default()
                },
                None => Coding {
                    code: Some(code.clone()),
                    ..Coding::default()
                },
            }),
            ..ResponseAnswer::default()
        },
        AnswerValue::Integer(n) => ResponseAnswer {
            value_integer: Some(*n),
            ..ResponseAnswer::default()
        },
        AnswerValue::String(s) => ResponseAnswer {
            value_string: Some(s.clone()),
            ..ResponseAnswer::default()
        },
        AnswerValue::Boolean(b) => ResponseAnswer {
            value_boolean: Some(*b),
            ..ResponseAnswer::default()
        },
    }
}

fn collect_answers(
    instrument: &Instrument,
    items: &[ResponseItem],
    answers: &mut Answers,
) -> Result<(), FillError> {
    for item in items {
        collect_answers(instrument, &item.item, answers)?;
        let Some(answer) = item.answer.first() else {
            continue;
        };
        let q = instrument
            .question(&item.link_id)
            .ok_or_else(|| FillError::UnknownQuestion(item.link_id.clone()))?;
        let wrong = || AnswerError::WrongType {
            question: QuestionRef::from(q),
            expected: Expected::of(&q.kind),
        };
        let value = match answer {
            ResponseAnswer {
                value_coding: Some(c),
                ..
            } => AnswerValue::Code(c.code.clone().ok_or_else(wrong)?),
            ResponseAnswer {
                value_integer: Some(n),
                ..
            } => AnswerValue::Integer(*n),
            ResponseAnswer {
                value_string: Some(s),
                ..
            } => AnswerValue::String(s.clone()),
            ResponseAnswer {
                value_boolean: Some(b),
                ..
            } => AnswerValue::Boolean(*b),
            _ => return Err(wrong().into()),
        };
        q.check(&value)?;
        answers.set(&item.link_id, value);
    }
    Ok(())
}

/// Reads a QuestionnaireResponse from JSON bytes.
///
/// # Errors
/// [`FillError::Json`] when it is not a QuestionnaireResponse.
pub fn parse_response(json: &[u8]) -> Result<QuestionnaireResponse, FillError> {
    fhir::from_json_bytes(json).ok_or(FillError::Json)
}
