//! The subset of FHIR R4 JSON that Rugzak reads and writes: `Questionnaire` (read),
//! `QuestionnaireResponse` and `Observation` (written and read back), and their datatypes.
//!
//! Unknown elements in a foreign Questionnaire are ignored, except the ones whose meaning the
//! engine would silently change by ignoring them (`enableWhen`, `repeats`, `answerValueSet`):
//! the loader refuses those.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::points::Points;
use crate::text::Text;

/// Standard extension carrying a translation of a primitive (`lang` + `content`).
pub const TRANSLATION: &str = "http://hl7.org/fhir/StructureDefinition/translation";
/// Standard extension carrying the score of an answer option (SDC `ordinalValue`).
pub const ORDINAL_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/ordinalValue";
/// Standard extension: the lowest allowed answer of an integer item.
pub const MIN_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/minValue";
/// Standard extension: the highest allowed answer of an integer item.
pub const MAX_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/maxValue";
/// Observation category system (`survey`).
pub const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
/// UCUM, for the `{score}` unit of decimal scores.
pub const UCUM: &str = "http://unitsofmeasure.org";

/// Root of every URL Rugzak mints (canonical URLs, code systems, extensions).
pub const RUGZAK_FHIR: &str = "https://example.invalid/rugzak/fhir";
/// Rugzak extension on a Questionnaire: how it is scored (`sum`, `profile`, `group-mean`, `valued-living`).
pub const EXT_SCORING: &str = "https://example.invalid/rugzak/fhir/StructureDefinition/scoring";
/// Rugzak extension on a Questionnaire: which way is better (`higher-is-better`, `higher-is-worse`).
pub const EXT_SCORE_DIRECTION: &str =
    "https://example.invalid/rugzak/fhir/StructureDefinition/score-direction";
/// Rugzak complex extension on a Questionnaire: one interpretation band of the total (`min`, `max`, `band`).
pub const EXT_SCORE_BAND: &str =
    "https://example.invalid/rugzak/fhir/StructureDefinition/score-band";
/// Rugzak extension on a choice item: its answer becomes the `Observation.method` (who rated).
pub const EXT_OBSERVATION_METHOD: &str =
    "https://example.invalid/rugzak/fhir/StructureDefinition/observation-method";
/// Rugzak code system for scores (Observation and component codes).
pub const SCORE_SYSTEM: &str = "https://example.invalid/rugzak/fhir/CodeSystem/score";
/// Rugzak code system for flags on a score (the VLQ gap).
pub const FLAG_SYSTEM: &str = "https://example.invalid/rugzak/fhir/CodeSystem/score-flag";

/// An extension, with the value types Rugzak uses.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Extension {
    /// What the extension means.
    pub url: String,
    /// Nested extensions (complex extensions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    /// `valueCode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_code: Option<String>,
    /// `valueString`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_string: Option<String>,
    /// `valueInteger`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_integer: Option<i64>,
    /// `valueDecimal`, kept as a float so a foreign file with more decimals still parses and
    /// the loader can name the item it cannot score exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_decimal: Option<f64>,
    /// `valueBoolean`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_boolean: Option<bool>,
    /// `valueCoding`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_coding: Option<Coding>,
}

/// The extension part of a primitive (`_text`, `_display`, ...).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Element {
    /// Extensions on the primitive.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
}

/// Reads a primitive string and its English translation into a [`Text`].
#[must_use]
pub fn text_of(value: Option<&str>, element: Option<&Element>) -> Option<Text> {
    let nl = value?.to_owned();
    let en = element.and_then(|e| {
        e.extension
            .iter()
            .filter(|x| x.url == TRANSLATION)
            .find(|x| sub(&x.extension, "lang").and_then(|l| l.value_code.as_deref()) == Some("en"))
            .and_then(|x| sub(&x.extension, "content"))
            .and_then(|c| c.value_string.clone())
    });
    Some(Text { nl, en })
}

/// The `_element` carrying the English translation of `text`, if it has one.
#[must_use]
pub fn translation_of(text: &Text) -> Option<Element> {
    let en = text.en.as_ref()?;
    Some(Element {
        extension: vec![Extension {
            url: TRANSLATION.to_owned(),
            extension: vec![
                Extension {
                    url: "lang".to_owned(),
                    value_code: Some("en".to_owned()),
                    ..Extension::default()
                },
                Extension {
                    url: "content".to_owned(),
                    value_string: Some(en.clone()),
                    ..Extension::default()
                },
            ],
            ..Extension::default()
        }],
    })
}

/// The first extension with `url` in `list`.
#[must_use]
pub fn sub<'a>(list: &'a [Extension], url: &str) -> Option<&'a Extension> {
    list.iter().find(|x| x.url == url)
}

/// A code from a code system.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Coding {
    /// Extensions (e.g. `ordinalValue`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    /// The code system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// The code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Dutch display text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    /// English translation of the display.
    #[serde(rename = "_display", default, skip_serializing_if = "Option::is_none")]
    pub display_ext: Option<Element>,
}

impl Coding {
    /// A coding with a bilingual display. The system may be absent: an answer option of a
    /// foreign Questionnaire need not name one.
    #[must_use]
    pub fn new<'a>(system: impl Into<Option<&'a str>>, code: &str, display: &Text) -> Self {
        Self {
            extension: Vec::new(),
            system: system.into().map(str::to_owned),
            code: Some(code.to_owned()),
            display: Some(display.nl.clone()),
            display_ext: translation_of(display),
        }
    }

    /// The display as bilingual text.
    #[must_use]
    pub fn display_text(&self) -> Option<Text> {
        text_of(self.display.as_deref(), self.display_ext.as_ref())
    }
}

/// A concept: one or more codings and an optional text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CodeableConcept {
    /// The codings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coding: Vec<Coding>,
    /// Plain text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl CodeableConcept {
    /// A concept with one coding.
    #[must_use]
    pub fn of(coding: Coding) -> Self {
        Self {
            coding: vec![coding],
            text: None,
        }
    }

    /// The first coding in `system`.
    #[must_use]
    pub fn in_system(&self, system: &str) -> Option<&Coding> {
        self.coding
            .iter()
            .find(|c| c.system.as_deref() == Some(system))
    }
}

/// A FHIR resource, known by its `resourceType`.
pub trait Resource: DeserializeOwned {
    /// The `resourceType` of every resource of this kind.
    const RESOURCE_TYPE: &'static str;

    /// The `resourceType` this one carries: one read from a foreign file may carry another.
    fn resource_type(&self) -> &str;
}

impl Resource for Questionnaire {
    const RESOURCE_TYPE: &'static str = "Questionnaire";

    fn resource_type(&self) -> &str {
        &self.resource_type
    }
}

impl Resource for QuestionnaireResponse {
    const RESOURCE_TYPE: &'static str = "QuestionnaireResponse";

    fn resource_type(&self) -> &str {
        &self.resource_type
    }
}

impl Resource for Observation {
    const RESOURCE_TYPE: &'static str = "Observation";

    fn resource_type(&self) -> &str {
        &self.resource_type
    }
}

/// A FHIR `Questionnaire` (read only).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Questionnaire {
    /// Must be `Questionnaire`.
    pub resource_type: String,
    /// Logical id: Rugzak's instrument key.
    #[serde(default)]
    pub id: Option<String>,
    /// Canonical URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Business version.
    #[serde(default)]
    pub version: Option<String>,
    /// Title (Dutch).
    #[serde(default)]
    pub title: Option<String>,
    /// Title translation.
    #[serde(rename = "_title", default)]
    pub title_ext: Option<Element>,
    /// Description (Dutch markdown).
    #[serde(default)]
    pub description: Option<String>,
    /// Description translation.
    #[serde(rename = "_description", default)]
    pub description_ext: Option<Element>,
    /// Copyright statement (Dutch).
    #[serde(default)]
    pub copyright: Option<String>,
    /// Copyright translation.
    #[serde(rename = "_copyright", default)]
    pub copyright_ext: Option<Element>,
    /// Extensions (Rugzak scoring rules).
    #[serde(default)]
    pub extension: Vec<Extension>,
    /// The items.
    #[serde(default)]
    pub item: Vec<QuestionnaireItem>,
}

/// One item of a Questionnaire.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionnaireItem {
    /// Unique id within the Questionnaire.
    pub link_id: String,
    /// Concept codes; the first gives the score key and short label of a scored item or group.
    #[serde(default)]
    pub code: Vec<Coding>,
    /// Number or letter shown before the text.
    #[serde(default)]
    pub prefix: Option<String>,
    /// Text (Dutch).
    #[serde(default)]
    pub text: Option<String>,
    /// Text translation.
    #[serde(rename = "_text", default)]
    pub text_ext: Option<Element>,
    /// `group`, `display`, `choice`, `integer`, ...
    #[serde(rename = "type")]
    pub item_type: String,
    /// Whether an answer is required.
    #[serde(default)]
    pub required: Option<bool>,
    /// Whether several answers are allowed (unsupported when true).
    #[serde(default)]
    pub repeats: Option<bool>,
    /// Conditions (unsupported).
    #[serde(default)]
    pub enable_when: Vec<serde_json::Value>,
    /// Options from a value set (unsupported; use `answerOption`).
    #[serde(default)]
    pub answer_value_set: Option<String>,
    /// The allowed answers of a choice item.
    #[serde(default)]
    pub answer_option: Vec<AnswerOption>,
    /// Extensions (min/max value, Rugzak observation method).
    #[serde(default)]
    pub extension: Vec<Extension>,
    /// Child items.
    #[serde(default)]
    pub item: Vec<QuestionnaireItem>,
}

/// One allowed answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerOption {
    /// Extensions (some files put `ordinalValue` here instead of on the coding).
    #[serde(default)]
    pub extension: Vec<Extension>,
    /// The answer as a coding (the only supported option type).
    #[serde(default)]
    pub value_coding: Option<Coding>,
}

/// A FHIR `QuestionnaireResponse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionnaireResponse {
    /// Always `QuestionnaireResponse`.
    pub resource_type: String,
    /// Logical id, when the caller gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Language of the texts (`nl`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Canonical URL of the Questionnaire, `url|version`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub questionnaire: Option<String>,
    /// `completed`.
    pub status: String,
    /// When it was filled in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authored: Option<String>,
    /// The answered items, nested like the Questionnaire's groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<ResponseItem>,
}

/// One answered item (or group of items).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseItem {
    /// The Questionnaire item's linkId.
    pub link_id: String,
    /// The question text (Dutch), for readers without the Questionnaire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The answer (one; repeats are not supported).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answer: Vec<ResponseAnswer>,
    /// Children of a group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<ResponseItem>,
}

/// One answer value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseAnswer {
    /// A chosen option.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_coding: Option<Coding>,
    /// An integer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_integer: Option<i64>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_string: Option<String>,
    /// Yes or no.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_boolean: Option<bool>,
}

/// A FHIR `Observation` holding the scores of one response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Observation {
    /// Always `Observation`.
    pub resource_type: String,
    /// Logical id, when the caller gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `final`.
    pub status: String,
    /// `survey`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub category: Vec<CodeableConcept>,
    /// The instrument's score code.
    pub code: CodeableConcept,
    /// When the response was filled in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_date_time: Option<String>,
    /// A whole-number total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_integer: Option<i64>,
    /// A total with decimals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_quantity: Option<Quantity>,
    /// The band of the total.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interpretation: Vec<CodeableConcept>,
    /// Notes for the reader (e.g. "a band is a convention, not a diagnosis").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<Annotation>,
    /// Who rated (professional or self-rating).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<CodeableConcept>,
    /// The QuestionnaireResponse scored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub derived_from: Vec<Reference>,
    /// Subscores and per-domain scores.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub component: Vec<ObservationComponent>,
}

/// One subscore.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObservationComponent {
    /// The subscore's code.
    pub code: CodeableConcept,
    /// A whole-number value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_integer: Option<i64>,
    /// A value with decimals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_quantity: Option<Quantity>,
    /// Flags (e.g. the VLQ gap).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interpretation: Vec<CodeableConcept>,
}

/// A score with decimals, unit `{score}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quantity {
    /// The value.
    pub value: Points,
    /// `score`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// UCUM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// `{score}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

impl Quantity {
    /// A dimensionless score.
    #[must_use]
    pub fn score(value: Points) -> Self {
        Self {
            value,
            unit: Some("score".to_owned()),
            system: Some(UCUM.to_owned()),
            code: Some("{score}".to_owned()),
        }
    }
}

/// A note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Annotation {
    /// The note (Dutch).
    pub text: String,
    /// Its translation.
    #[serde(rename = "_text", default, skip_serializing_if = "Option::is_none")]
    pub text_ext: Option<Element>,
}

/// A literal reference (`QuestionnaireResponse/<id>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    /// The reference.
    pub reference: String,
}

/// A FHIR logical id (`[A-Za-z0-9\-.]{1,64}`), e.g. the hex form of a vault item id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResourceId(String);

/// Text that is not a FHIR logical id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("geen geldige FHIR-id (1–64 tekens A–Z, a–z, 0–9, '-', '.') / not a valid FHIR id")]
pub struct BadResourceId;

impl ResourceId {
    /// Checks and wraps `id`.
    ///
    /// # Errors
    /// [`BadResourceId`] when `id` is not a FHIR logical id.
    pub fn new(id: impl Into<String>) -> Result<Self, BadResourceId> {
        let id = id.into();
        if is_valid_id(&id) {
            Ok(Self(id))
        } else {
            Err(BadResourceId)
        }
    }

    /// The id.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for ResourceId {
    type Err = BadResourceId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl std::fmt::Display for ResourceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Serialises a resource to JSON bytes.
///
/// # Errors
/// [`EncodeError`] only if serde_json fails, which for these types would be our bug.
pub fn to_json_bytes<T: Serialize>(resource: &T) -> Result<Vec<u8>, EncodeError> {
    serde_json::to_vec(resource).map_err(|_| EncodeError::Internal)
}

/// Reads a resource of kind `R` from JSON bytes: `None` when they are not one, including when
/// they are valid JSON of the same shape with another `resourceType`.
#[must_use]
pub fn from_json_bytes<R: Resource>(json: &[u8]) -> Option<R> {
    serde_json::from_slice::<R>(json)
        .ok()
        .filter(|r| r.resource_type() == R::RESOURCE_TYPE)
}

/// Serialising a resource failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// serde_json refused a resource we built: a bug in this crate.
    #[error("interne fout bij het schrijven van JSON / internal error writing JSON")]
    Internal,
}

/// Whether `s` is a valid FHIR logical id (`[A-Za-z0-9\-.]{1,64}`).
#[must_use]
pub fn is_valid_id(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translation_round_trip() {
        let t = Text::new("Nooit", "Never");
        let e = translation_of(&t);
        assert_eq!(text_of(Some("Nooit"), e.as_ref()), Some(t));
        assert_eq!(translation_of(&Text::dutch("x")), None);
    }

    #[test]
    fn ids() {
        assert!(is_valid_id("abc-DEF.12"));
        assert!(!is_valid_id("a_b"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id(&"a".repeat(65)));
    }
}
