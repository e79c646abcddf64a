//! Loading a FHIR R4 Questionnaire into an [`Instrument`], refusing what the engine cannot honour.

use std::collections::BTreeSet;

use thiserror::Error;

use super::{
    AnswerKind, Band, Choice, Direction, Instrument, MeasureSpec, Node, Question, Scoring, Section,
    TOTAL,
};
use crate::fhir::{self, Extension, Questionnaire, QuestionnaireItem, Resource};
use crate::points::Points;
use crate::text::Text;

/// Why a Questionnaire could not be loaded. Names the item (linkId) where there is one.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LoadError {
    /// The text is not JSON of a Questionnaire's shape.
    #[error("geen geldige Questionnaire-JSON / not valid Questionnaire JSON: {0}")]
    Json(String),
    /// `resourceType` is not `Questionnaire`.
    #[error("resourceType is niet Questionnaire / resourceType is not Questionnaire")]
    NotAQuestionnaire,
    /// A required top-level element is missing or invalid.
    #[error("element {0} ontbreekt of is ongeldig / element {0} is missing or invalid")]
    Missing(&'static str),
    /// Two items share a linkId.
    #[error("linkId {0} komt meer dan eens voor / linkId {0} occurs more than once")]
    DuplicateLinkId(String),
    /// An item type the engine does not support.
    #[error("item {link_id}: type {item_type} wordt niet ondersteund / type {item_type} is not supported")]
    UnsupportedType {
        /// The item.
        link_id: String,
        /// Its type.
        item_type: String,
    },
    /// An item uses a feature the engine does not support (and would otherwise silently ignore).
    #[error("item {link_id}: {feature} wordt niet ondersteund / {feature} is not supported")]
    Unsupported {
        /// The item.
        link_id: String,
        /// The feature.
        feature: &'static str,
    },
    /// A question or display item without text, or a group without items.
    #[error("item {0}: tekst of onderliggende items ontbreken / text or child items missing")]
    Incomplete(String),
    /// An answer option is unusable.
    #[error(
        "item {link_id}: ongeldige antwoordoptie ({reason}) / invalid answer option ({reason})"
    )]
    BadOption {
        /// The item.
        link_id: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// minValue is above maxValue.
    #[error("item {0}: minValue is groter dan maxValue / minValue exceeds maxValue")]
    BadRange(String),
    /// An extension Rugzak defines has a value it does not know.
    #[error("extensie {url}: onbekende waarde {value} / unknown value {value}")]
    BadExtension {
        /// The extension.
        url: &'static str,
        /// The value found.
        value: String,
    },
    /// Interpretation bands do not exactly cover the range of the total.
    #[error("scorebanden dekken het bereik van de totaalscore niet precies / score bands do not exactly cover the total's range")]
    BadBands,
    /// The scoring method does not fit the items (names what is wrong).
    #[error("de scoringsmethode {method} past niet bij de items: {reason} / scoring method {method} does not fit the items")]
    Shape {
        /// The scoring method.
        method: &'static str,
        /// What is wrong (Dutch).
        reason: String,
    },
}

/// Where the items of one group are collected while walking the tree.
struct Walk {
    questions: Vec<Question>,
    sections: Vec<Section>,
    seen: BTreeSet<String>,
    pending_preamble: Vec<Text>,
}

impl Instrument {
    /// Loads a FHIR R4 Questionnaire from JSON text.
    ///
    /// # Errors
    /// [`LoadError`] naming the first problem found.
    pub fn from_json(json: &str) -> Result<Self, LoadError> {
        let q: Questionnaire =
            serde_json::from_str(json).map_err(|e| LoadError::Json(e.to_string()))?;
        Self::from_questionnaire(q)
    }

    /// Loads a parsed Questionnaire.
    ///
    /// # Errors
    /// [`LoadError`] naming the first problem found.
    pub fn from_questionnaire(q: Questionnaire) -> Result<Self, LoadError> {
        if q.resource_type != Questionnaire::RESOURCE_TYPE {
            return Err(LoadError::NotAQuestionnaire);
        }
        let key =
            q.id.filter(|id| fhir::is_valid_id(id))
                .ok_or(LoadError::Missing("id"))?;
        let url = q.url.ok_or(LoadError::Missing("url"))?;
        let title = fhir::text_of(q.title.as_deref(), q.title_ext.as_ref())
            .ok_or(LoadError::Missing("title"))?;
        let mut walk = Walk {
            questions: Vec::new(),
            sections: Vec::new(),
            seen: BTreeSet::new(),
            pending_preamble: Vec::new(),
        };
        let nodes = q
            .item
            .iter()
            .map(|item| walk.node(item, None, true))
            .collect::<Result<Vec<_>, _>>()?;
        let mut instrument = Self {
            key,
            url,
            version: q.version,
            title,
            description: fhir::text_of(q.description.as_deref(), q.description_ext.as_ref()),
            copyright: fhir::text_of(q.copyright.as_deref(), q.copyright_ext.as_ref()),
            scoring: scoring_of(&q.extension)?,
            direction: direction_of(&q.extension)?,
            bands: bands_of(&q.extension)?,
            nodes,
            questions: walk.questions,
            sections: walk.sections,
            total: None,
            parts: Vec::new(),
        };
        instrument.derive_measures()?;
        Ok(instrument)
    }

    /// Works out the total and parts for the scoring method, and checks the bands against them.
    pub(crate) fn derive_measures(&mut self) -> Result<(), LoadError> {
        let (total, parts) = match self.scoring {
            Scoring::Sum => self.sum_measures(),
            Scoring::Profile => self.profile_measures(),
            Scoring::GroupMean => self.group_mean_measures()?,
            Scoring::ValuedLiving => self.valued_living_measures()?,
        };
        if total.is_none() && parts.is_empty() {
            return Err(LoadError::Shape {
                method: self.scoring.code(),
                reason: "er is geen enkele vraag met een score".to_owned(),
            });
        }
        let mut keys = BTreeSet::new();
        if let Some(dup) = total
            .iter()
            .chain(&parts)
            .find(|m| !keys.insert(m.key.clone()))
        {
            return Err(LoadError::Shape {
                method: self.scoring.code(),
                reason: format!("scoresleutel {} komt meer dan eens voor", dup.key),
            });
        }
        check_bands(&self.bands, total.as_ref())?;
        self.total = total;
        self.parts = parts;
        Ok(())
    }

    fn scored(&self) -> impl Iterator<Item = (&Question, (Points, Points))> {
        self.questions
            .iter()
            .filter_map(|q| q.score_range().map(|r| (q, r)))
    }

    /// Whether every scored answer is worth a whole number of points.
    fn whole_scores(&self) -> bool {
        self.scored().all(|(q, _)| match &q.kind {
            AnswerKind::Choice(options) => options
                .iter()
                .all(|o| o.ordinal.is_some_and(|p| p.as_whole().is_some())),
            _ => true,
        })
    }

    fn sum_measures(&self) -> (Option<MeasureSpec>, Vec<MeasureSpec>) {
        let sum = |qs: &mut dyn Iterator<Item = (Points, Points)>| {
            qs.fold((Points::ZERO, Points::ZERO), |(a, b), (lo, hi)| {
                (a.plus(lo), b.plus(hi))
            })
        };
        let (min, max) = sum(&mut self.scored().map(|(_, r)| r));
        let total = MeasureSpec {
            key: TOTAL.to_owned(),
            label: Text::new("Totaalscore", "Total score"),
            min,
            max,
            whole: self.whole_scores(),
        };
        let parts = self
            .sections
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let mut ranges = self
                    .scored()
                    .filter(|(q, _)| q.section == Some(i))
                    .map(|(_, r)| r)
                    .peekable();
                ranges.peek()?;
                let (min, max) = sum(&mut ranges);
                Some(MeasureSpec {
                    key: s.key.clone(),
                    label: s.label.clone(),
                    min,
                    max,
                    whole: self.whole_scores(),
                })
            })
            .collect();
        (Some(total), parts)
    }

    fn profile_measures(&self) -> (Option<MeasureSpec>, Vec<MeasureSpec>) {
        let parts = self
            .scored()
            .map(|(q, (min, max))| MeasureSpec {
                key: q.score_key.clone(),
                label: q.score_label.clone(),
                min,
                max,
                whole: self.whole_scores(),
            })
            .collect();
        (None, parts)
    }

    fn group_mean_measures(&self) -> Result<(Option<MeasureSpec>, Vec<MeasureSpec>), LoadError> {
        if let Some((q, _)) = self.scored().find(|(q, _)| q.section.is_none()) {
            return Err(LoadError::Shape {
                method: Scoring::GroupMean.code(),
                reason: format!("vraag {} staat niet in een groep", q.link_id),
            });
        }
        let parts = self
            .sections
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let (mins, maxs): (Vec<Points>, Vec<Points>) = self
                    .scored()
                    .filter(|(q, _)| q.section == Some(i))
                    .map(|(_, r)| r)
                    .unzip();
                Some(MeasureSpec {
                    key: s.key.clone(),
                    label: s.label.clone(),
                    min: Points::mean(&mins)?,
                    max: Points::mean(&maxs)?,
                    whole: false,
                })
            })
            .collect();
        Ok((None, parts))
    }

    fn valued_living_measures(&self) -> Result<(Option<MeasureSpec>, Vec<MeasureSpec>), LoadError> {
        let pairs = self.valued_living_pairs()?;
        let parts: Vec<MeasureSpec> = pairs
            .iter()
            .map(|(importance, consistency)| {
                let (imin, imax) = importance.score_range().unwrap_or_default();
                let (cmin, cmax) = consistency.score_range().unwrap_or_default();
                MeasureSpec {
                    key: domain_of(importance).to_owned(),
                    label: importance.score_label.clone(),
                    min: imin.times(cmin),
                    max: imax.times(cmax),
                    whole: true,
                }
            })
            .collect();
        let (mins, maxs): (Vec<Points>, Vec<Points>) = parts.iter().map(|p| (p.min, p.max)).unzip();
        let total = match (Points::mean(&mins), Points::mean(&maxs)) {
            (Some(min), Some(max)) => Some(MeasureSpec {
                key: TOTAL.to_owned(),
                label: Text::new("Samengestelde score", "Valued living composite"),
                min,
                max,
                whole: false,
            }),
            _ => None,
        };
        Ok((total, parts))
    }

    /// The VLQ's (importance, consistency) question pairs, by domain, in the order of the
    /// importance questions. LinkIds are `belang.<domain>` and `consistentie.<domain>`.
    pub(crate) fn valued_living_pairs(&self) -> Result<Vec<(&Question, &Question)>, LoadError> {
        let shape = |reason: String| LoadError::Shape {
            method: Scoring::ValuedLiving.code(),
            reason,
        };
        let mut pairs = Vec::new();
        for (q, _) in self.scored() {
            if let Some(domain) = q.link_id.strip_prefix(IMPORTANCE) {
                let consistency = self
                    .question(&format!("{CONSISTENCY}{domain}"))
                    .filter(|c| c.is_scored())
                    .ok_or_else(|| {
                        shape(format!("bij {} ontbreekt {CONSISTENCY}{domain}", q.link_id))
                    })?;
                pairs.push((q, consistency));
            } else if let Some(domain) = q.link_id.strip_prefix(CONSISTENCY) {
                self.question(&format!("{IMPORTANCE}{domain}"))
                    .filter(|c| c.is_scored())
                    .ok_or_else(|| {
                        shape(format!("bij {} ontbreekt {IMPORTANCE}{domain}", q.link_id))
                    })?;
            } else {
                return Err(shape(format!(
                    "vraag {} heeft geen linkId {IMPORTANCE}… of {CONSISTENCY}…",
                    q.link_id
                )));
            }
        }
        Ok(pairs)
    }
}

/// LinkId prefix of a VLQ importance question.
pub(crate) const IMPORTANCE: &str = "belang.";
/// LinkId prefix of a VLQ consistency question.
pub(crate) const CONSISTENCY: &str = "consistentie.";

/// The domain of a VLQ importance question (`belang.vrienden` → `vrienden`).
pub(crate) fn domain_of(importance: &Question) -> &str {
    importance
        .link_id
        .strip_prefix(IMPORTANCE)
        .unwrap_or(&importance.link_id)
}

impl Walk {
    fn claim(&mut self, link_id: &str) -> Result<(), LoadError> {
        if self.seen.insert(link_id.to_owned()) {
            Ok(())
        } else {
            Err(LoadError::DuplicateLinkId(link_id.to_owned()))
        }
    }

    fn node(
        &mut self,
        item: &QuestionnaireItem,
        section: Option<usize>,
        top_level: bool,
    ) -> Result<Node, LoadError> {
        self.claim(&item.link_id)?;
        let text = fhir::text_of(item.text.as_deref(), item.text_ext.as_ref());
        let unsupported = |feature| LoadError::Unsupported {
            link_id: item.link_id.clone(),
            feature,
        };
        if !item.enable_when.is_empty() {
            return Err(unsupported("enableWhen"));
        }
        if item.repeats == Some(true) {
            return Err(unsupported("repeats"));
        }
        match item.item_type.as_str() {
            "group" => {
                if item.item.is_empty() {
                    return Err(LoadError::Incomplete(item.link_id.clone()));
                }
                let section = if top_level {
                    self.sections.push(section_of(item, text.as_ref()));
                    Some(self.sections.len() - 1)
                } else {
                    self.pending_preamble.extend(text.clone());
                    section
                };
                let children = item
                    .item
                    .iter()
                    .map(|child| self.node(child, section, false))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Node::Group {
                    link_id: item.link_id.clone(),
                    text,
                    children,
                })
            }
            "display" => {
                let text = text.ok_or_else(|| LoadError::Incomplete(item.link_id.clone()))?;
                self.pending_preamble.push(text);
                Ok(Node::Display)
            }
            _ => {
                if !item.item.is_empty() {
                    return Err(unsupported(
                        "items onder een vraag (items under a question)",
                    ));
                }
                let question = self.question(item, text, section)?;
                self.questions.push(question);
                Ok(Node::Question(self.questions.len() - 1))
            }
        }
    }

    fn question(
        &mut self,
        item: &QuestionnaireItem,
        text: Option<Text>,
        section: Option<usize>,
    ) -> Result<Question, LoadError> {
        let link_id = item.link_id.clone();
        let text = text.ok_or_else(|| LoadError::Incomplete(link_id.clone()))?;
        if item.answer_value_set.is_some() {
            return Err(LoadError::Unsupported {
                link_id,
                feature: "answerValueSet",
            });
        }
        let kind = answer_kind(item)?;
        let is_method = fhir::sub(&item.extension, fhir::EXT_OBSERVATION_METHOD)
            .is_some_and(|x| x.value_boolean == Some(true));
        let (score_key, score_label) = item
            .code
            .first()
            .and_then(|c| Some((c.code.clone()?, c.display_text()?)))
            .unwrap_or_else(|| (link_id.clone(), text.clone()));
        let question = Question {
            link_id,
            prefix: item.prefix.clone(),
            text,
            kind,
            required: item.required == Some(true),
            score_key,
            score_label,
            section,
            preamble: std::mem::take(&mut self.pending_preamble),
            is_method,
        };
        let plain_choice = matches!(question.kind, AnswerKind::Choice(_)) && !question.is_scored();
        if question.is_method && !plain_choice {
            return Err(LoadError::Unsupported {
                link_id: question.link_id,
                feature: "observation-method op een vraag die geen ongescoorde keuzevraag is",
            });
        }
        Ok(question)
    }
}

fn section_of(item: &QuestionnaireItem, text: Option<&Text>) -> Section {
    let code = item.code.first();
    Section {
        link_id: item.link_id.clone(),
        key: code
            .and_then(|c| c.code.clone())
            .unwrap_or_else(|| item.link_id.clone()),
        label: text
            .cloned()
            .or_else(|| code.and_then(fhir::Coding::display_text))
            .unwrap_or_else(|| Text::dutch(item.link_id.clone())),
    }
}

fn answer_kind(item: &QuestionnaireItem) -> Result<AnswerKind, LoadError> {
    let link_id = &item.link_id;
    match item.item_type.as_str() {
        "choice" => choices(item).map(AnswerKind::Choice),
        "integer" => {
            let bound = |url| fhir::sub(&item.extension, url).and_then(|x| x.value_integer);
            let (min, max) = (bound(fhir::MIN_VALUE), bound(fhir::MAX_VALUE));
            if let (Some(lo), Some(hi)) = (min, max) {
                if lo > hi {
                    return Err(LoadError::BadRange(link_id.clone()));
                }
            }
            Ok(AnswerKind::Integer { min, max })
        }
        "string" => Ok(AnswerKind::String),
        "text" => Ok(AnswerKind::Text),
        "boolean" => Ok(AnswerKind::Boolean),
        other => Err(LoadError::UnsupportedType {
            link_id: link_id.clone(),
            item_type: other.to_owned(),
        }),
    }
}

fn choices(item: &QuestionnaireItem) -> Result<Vec<Choice>, LoadError> {
    let bad = |reason| LoadError::BadOption {
        link_id: item.link_id.clone(),
        reason,
    };
    if item.answer_option.is_empty() {
        return Err(bad("geen opties / no options"));
    }
    let mut codes = BTreeSet::new();
    let options = item
        .answer_option
        .iter()
        .map(|option| {
            let coding = option
                .value_coding
                .as_ref()
                .ok_or_else(|| bad("geen valueCoding"))?;
            let code = coding.code.clone().ok_or_else(|| bad("code ontbreekt"))?;
            if !codes.insert(code.clone()) {
                return Err(bad("dubbele code"));
            }
            let ordinal = fhir::sub(&coding.extension, fhir::ORDINAL_VALUE)
                .or_else(|| fhir::sub(&option.extension, fhir::ORDINAL_VALUE))
                .map(|x| {
                    x.value_decimal
                        .and_then(Points::from_f64_exact)
                        .ok_or_else(|| {
                            bad("ordinalValue is geen getal met hoogstens twee decimalen")
                        })
                })
                .transpose()?;
            Ok(Choice {
                label: coding
                    .display_text()
                    .unwrap_or_else(|| Text::dutch(code.clone())),
                code,
                system: coding.system.clone(),
                ordinal,
                criteria: None,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let scored = options.iter().filter(|o| o.ordinal.is_some()).count();
    if scored != 0 && scored != options.len() {
        return Err(bad("ordinalValue bij sommige opties maar niet bij alle"));
    }
    Ok(options)
}

fn scoring_of(extensions: &[Extension]) -> Result<Scoring, LoadError> {
    let Some(x) = fhir::sub(extensions, fhir::EXT_SCORING) else {
        return Ok(Scoring::Sum);
    };
    let code = x.value_code.as_deref().unwrap_or_default();
    [
        Scoring::Sum,
        Scoring::Profile,
        Scoring::GroupMean,
        Scoring::ValuedLiving,
    ]
    .into_iter()
    .find(|s| s.code() == code)
    .ok_or_else(|| LoadError::BadExtension {
        url: fhir::EXT_SCORING,
        value: code.to_owned(),
    })
}

fn direction_of(extensions: &[Extension]) -> Result<Option<Direction>, LoadError> {
    let Some(x) = fhir::sub(extensions, fhir::EXT_SCORE_DIRECTION) else {
        return Ok(None);
    };
    match x.value_code.as_deref().unwrap_or_default() {
        "higher-is-better" => Ok(Some(Direction::HigherIsBetter)),
        "higher-is-worse" => Ok(Some(Direction::HigherIsWorse)),
        other => Err(LoadError::BadExtension {
            url: fhir::EXT_SCORE_DIRECTION,
            value: other.to_owned(),
        }),
    }
}

fn bands_of(extensions: &[Extension]) -> Result<Vec<Band>, LoadError> {
    let mut bands = extensions
        .iter()
        .filter(|x| x.url == fhir::EXT_SCORE_BAND)
        .map(|x| {
            let bound = |name| {
                fhir::sub(&x.extension, name).and_then(|b| {
                    b.value_integer
                        .map(Points::whole)
                        .or_else(|| b.value_decimal.and_then(Points::from_f64_exact))
                })
            };
            let coding = fhir::sub(&x.extension, "band").and_then(|b| b.value_coding.as_ref());
            match (bound("min"), bound("max"), coding) {
                (Some(min), Some(max), Some(c)) if min <= max => Ok(Band {
                    min,
                    max,
                    system: c.system.clone().ok_or(LoadError::BadBands)?,
                    code: c.code.clone().ok_or(LoadError::BadBands)?,
                    label: c.display_text().ok_or(LoadError::BadBands)?,
                }),
                _ => Err(LoadError::BadBands),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    bands.sort_by_key(|b| b.min);
    Ok(bands)
}

/// Bands must be ascending, touch without gaps (one step apart), and span the total exactly.
fn check_bands(bands: &[Band], total: Option<&MeasureSpec>) -> Result<(), LoadError> {
    let (Some(first), Some(last)) = (bands.first(), bands.last()) else {
        return Ok(());
    };
    let total = total.ok_or(LoadError::BadBands)?;
    let step = if total.whole {
        Points::whole(1)
    } else {
        Points::from_hundredths(1)
    };
    let touching = bands.windows(2).all(|w| match w {
        [a, b] => b.min == a.max.plus(step),
        _ => true,
    });
    if first.min == total.min && last.max == total.max && touching {
        Ok(())
    } else {
        Err(LoadError::BadBands)
    }
}
