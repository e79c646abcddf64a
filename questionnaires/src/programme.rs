//! Online programmes (psycho-education) and a person's progress through one.
//!
//! A programme is Rugzak JSON (format `rugzak-programma/1`): modules of steps. Every step has a
//! text to read (`text`, a few short paragraphs); a step of kind `exercise` also has
//! `instructions`, a `reflection` a `question` and a `check-in` the key of a small questionnaire.
//! [`Step::render`] gives one step as plain text in one language for a CLI.
//!
//! Progress (format `rugzak-voortgang/1`) records done steps and written reflections; the
//! client stores it as a vault item in scope `programmas`. [`Progress::report`] counts steps
//! done per module and overall.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::fhir::EncodeError;
use crate::text::{Lang, Text};
use crate::time::UnixTime;

/// Format tag of a programme file.
pub const PROGRAMME_FORMAT: &str = "rugzak-programma/1";
/// Format tag of a progress record.
pub const PROGRESS_FORMAT: &str = "rugzak-voortgang/1";

/// The shipped example programmes.
const BUILTIN: [&str; 4] = [
    include_str!("../definitions/programmes/rouw.json"),
    include_str!("../definitions/programmes/eenzaamheid.json"),
    include_str!("../definitions/programmes/stress.json"),
    include_str!("../definitions/programmes/somberheid.json"),
];

/// A programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Programme {
    /// Always [`PROGRAMME_FORMAT`].
    pub format: String,
    /// Key, e.g. `stress` (lowercase letters, digits and `-`).
    pub id: String,
    /// Version of the content.
    pub version: String,
    /// Whether this is an example written by the Rugzak project, not professionally reviewed content.
    pub example: bool,
    /// Title.
    pub title: Text,
    /// What the programme is about and for whom.
    pub summary: Text,
    /// The modules, in order.
    pub modules: Vec<Module>,
}

/// A module: a themed group of steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Module {
    /// Key, unique in the programme.
    pub id: String,
    /// Title.
    pub title: Text,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// A step of a module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// Key, unique in the whole programme (progress refers to it).
    pub id: String,
    /// Title.
    pub title: Text,
    /// The text to read (paragraphs separated by blank lines). Every step has one: an exercise
    /// or question lands better with a short explanation of why.
    pub text: Text,
    /// What the step asks of the person, besides reading.
    #[serde(flatten)]
    pub content: StepContent,
}

/// What a step holds; `kind` in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum StepContent {
    /// Only the step's text, to read.
    Text {},
    /// Something to do.
    Exercise {
        /// What to do.
        instructions: Text,
    },
    /// A question to write an answer to (kept in the progress record).
    Reflection {
        /// The question.
        question: Text,
    },
    /// A small questionnaire to fill in (its response is stored like any other).
    CheckIn {
        /// The instrument's key.
        questionnaire: String,
    },
}

/// Why a programme file was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProgrammeError {
    /// Not JSON of the programme format.
    #[error("programmabestand is geen geldige JSON / programme file is not valid JSON: {0}")]
    Json(String),
    /// Another format tag.
    #[error("programmabestand heeft niet het formaat rugzak-programma/1 / programme file is not rugzak-programma/1")]
    Format,
    /// An id that is empty or not lowercase letters, digits and `-`.
    #[error("ongeldige id {0:?} / invalid id {0:?}")]
    BadId(String),
    /// A module or step id used twice.
    #[error("id {0} komt meer dan eens voor / id {0} occurs more than once")]
    DuplicateId(String),
    /// A programme without modules or a module without steps.
    #[error("{0} is leeg / {0} is empty")]
    Empty(String),
    /// A step whose text, instructions or question is empty or lacks its English translation.
    #[error(
        "stap {0} heeft een lege of onvertaalde tekst / step {0} has an empty or untranslated text"
    )]
    EmptyText(String),
}

/// Whether a text has Dutch and English, both with more than whitespace.
fn complete(text: &Text) -> bool {
    !text.nl.trim().is_empty() && text.en.as_deref().is_some_and(|en| !en.trim().is_empty())
}

fn valid_key(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl Programme {
    /// Reads and checks a programme.
    ///
    /// # Errors
    /// [`ProgrammeError`] naming the first problem.
    pub fn from_json(json: &str) -> Result<Self, ProgrammeError> {
        let p: Self =
            serde_json::from_str(json).map_err(|e| ProgrammeError::Json(e.to_string()))?;
        if p.format != PROGRAMME_FORMAT {
            return Err(ProgrammeError::Format);
        }
        if p.modules.is_empty() {
            return Err(ProgrammeError::Empty(p.id));
        }
        let mut seen = BTreeSet::new();
        let ids = std::iter::once(&p.id)
            .chain(p.modules.iter().map(|m| &m.id))
            .chain(p.modules.iter().flat_map(|m| m.steps.iter().map(|s| &s.id)));
        for id in ids {
            if !valid_key(id) {
                return Err(ProgrammeError::BadId(id.clone()));
            }
            if !seen.insert(id) {
                return Err(ProgrammeError::DuplicateId(id.clone()));
            }
        }
        if let Some(m) = p.modules.iter().find(|m| m.steps.is_empty()) {
            return Err(ProgrammeError::Empty(m.id.clone()));
        }
        // A step a person cannot read in their language would show as an empty screen.
        for (_, step) in p.steps() {
            let texts = [
                Some(&step.title),
                Some(&step.text),
                step.exercise(),
                step.question(),
            ];
            if !texts.into_iter().flatten().all(complete) {
                return Err(ProgrammeError::EmptyText(step.id.clone()));
            }
        }
        Ok(p)
    }

    /// The shipped example programmes: rouw, eenzaamheid, stress, somberheid.
    ///
    /// # Errors
    /// [`ProgrammeError`] only if a shipped file is broken (the tests load them all).
    pub fn builtin() -> Result<Vec<Self>, ProgrammeError> {
        BUILTIN.iter().map(|json| Self::from_json(json)).collect()
    }

    /// All steps with their module, in order.
    pub fn steps(&self) -> impl Iterator<Item = (&Module, &Step)> {
        self.modules
            .iter()
            .flat_map(|m| m.steps.iter().map(move |s| (m, s)))
    }

    /// The step with `id`.
    #[must_use]
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps().map(|(_, s)| s).find(|s| s.id == id)
    }

    /// The instrument keys the check-in steps use.
    pub fn check_ins(&self) -> impl Iterator<Item = &str> {
        self.steps().filter_map(|(_, s)| match &s.content {
            StepContent::CheckIn { questionnaire } => Some(questionnaire.as_str()),
            _ => None,
        })
    }

    /// The number of steps in the whole programme.
    #[must_use]
    pub fn step_count(&self) -> usize {
        self.modules.iter().map(|m| m.steps.len()).sum()
    }

    /// One step as plain text in `lang`, headed by its place ("Stap 2 van 9 — module") and
    /// title; `None` for an unknown step id.
    #[must_use]
    pub fn render_step(&self, id: &str, lang: Lang) -> Option<String> {
        let (index, (module, step)) = self.steps().enumerate().find(|(_, (_, s))| s.id == id)?;
        let of = match lang {
            Lang::Nl => "Stap {n} van {total}",
            Lang::En => "Step {n} of {total}",
        };
        let place = of
            .replace("{n}", &(index + 1).to_string())
            .replace("{total}", &self.step_count().to_string());
        Some(format!(
            "{place} — {}\n{}",
            module.title.get(lang),
            step.render(lang)
        ))
    }
}

impl Step {
    /// The text to read.
    #[must_use]
    pub fn text(&self) -> &Text {
        &self.text
    }

    /// What to do, when the step is an exercise.
    #[must_use]
    pub fn exercise(&self) -> Option<&Text> {
        match &self.content {
            StepContent::Exercise { instructions } => Some(instructions),
            _ => None,
        }
    }

    /// The question to write an answer to, when the step is a reflection.
    #[must_use]
    pub fn question(&self) -> Option<&Text> {
        match &self.content {
            StepContent::Reflection { question } => Some(question),
            _ => None,
        }
    }

    /// The questionnaire's key, when the step is a check-in.
    #[must_use]
    pub fn check_in(&self) -> Option<&str> {
        match &self.content {
            StepContent::CheckIn { questionnaire } => Some(questionnaire),
            _ => None,
        }
    }

    /// The step as plain text in `lang` only: title, text, then the exercise, the question or
    /// the check-in to fill in.
    #[must_use]
    pub fn render(&self, lang: Lang) -> String {
        let (exercise, question, answer, check_in) = match lang {
            Lang::Nl => (
                "Opdracht",
                "Vraag om over na te denken",
                "Schrijf uw antwoord op; het wordt bewaard in uw rugzak.",
                "Vul de korte vragenlijst in",
            ),
            Lang::En => (
                "Exercise",
                "Question to reflect on",
                "Write down your answer; it is kept in your rugzak.",
                "Fill in the short questionnaire",
            ),
        };
        let mut out = format!("{}\n\n{}", self.title.get(lang), self.text.get(lang));
        match &self.content {
            StepContent::Text {} => {}
            StepContent::Exercise { instructions } => {
                out.push_str(&format!("\n\n{exercise}:\n{}", instructions.get(lang)));
            }
            StepContent::Reflection { question: q } => {
                out.push_str(&format!("\n\n{question}:\n{}\n({answer})", q.get(lang)));
            }
            StepContent::CheckIn { questionnaire } => {
                out.push_str(&format!("\n\n{check_in}: {questionnaire}"));
            }
        }
        out
    }
}

/// A written reflection. Its text is personal: `Debug` does not show it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reflection {
    /// The reflection step.
    pub step: String,
    /// When it was written.
    pub written: UnixTime,
    /// What the person wrote.
    pub text: String,
}

impl fmt::Debug for Reflection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reflection")
            .field("step", &self.step)
            .field("written", &self.written)
            .field("text", &"[redacted]")
            .finish()
    }
}

/// A person's progress through one programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Always [`PROGRESS_FORMAT`].
    pub format: String,
    /// The programme's id.
    pub programme: String,
    /// The programme version when started.
    pub version: String,
    /// When started.
    pub started: UnixTime,
    /// Done steps: step id → when first marked done.
    pub done: BTreeMap<String, UnixTime>,
    /// Reflections, oldest first.
    pub reflections: Vec<Reflection>,
}

/// Why a progress change or record was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProgressError {
    /// The record belongs to another programme.
    #[error(
        "deze voortgang hoort bij een ander programma / this progress belongs to another programme"
    )]
    OtherProgramme,
    /// No step with this id.
    #[error("onbekende stap {0} / unknown step {0}")]
    UnknownStep(String),
    /// A reflection on a step that is no reflection question.
    #[error("stap {0} is geen reflectievraag / step {0} is not a reflection question")]
    NotAReflection(String),
    /// An empty reflection.
    #[error("de reflectie is leeg / the reflection is empty")]
    EmptyReflection,
    /// Not JSON of the progress format.
    #[error("geen geldig voortgangsrecord / not a valid progress record")]
    Json,
}

/// How far a person is in one module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModuleStatus {
    /// The module's id.
    pub id: String,
    /// Its title.
    pub title: Text,
    /// Steps done.
    pub done: usize,
    /// Steps in total.
    pub total: usize,
}

/// How far a person is in a programme, per module and overall (for a CLI's text or `--json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressReport {
    /// The programme's id.
    pub programme: String,
    /// Steps done in the whole programme.
    pub done: usize,
    /// Steps in the whole programme.
    pub total: usize,
    /// Per module, in order.
    pub modules: Vec<ModuleStatus>,
    /// The id of the first step not yet done; `None` when all are done.
    pub next_step: Option<String>,
    /// The ids of the reflection steps with at least one written reflection.
    pub reflected: Vec<String>,
}

impl Progress {
    /// Starts `programme` at `now`.
    #[must_use]
    pub fn start(programme: &Programme, now: UnixTime) -> Self {
        Self {
            format: PROGRESS_FORMAT.to_owned(),
            programme: programme.id.clone(),
            version: programme.version.clone(),
            started: now,
            done: BTreeMap::new(),
            reflections: Vec::new(),
        }
    }

    fn step<'p>(&self, programme: &'p Programme, step: &str) -> Result<&'p Step, ProgressError> {
        if programme.id != self.programme {
            return Err(ProgressError::OtherProgramme);
        }
        programme
            .step(step)
            .ok_or_else(|| ProgressError::UnknownStep(step.to_owned()))
    }

    /// Marks a step done (the first time counts; marking again changes nothing).
    ///
    /// # Errors
    /// [`ProgressError::OtherProgramme`], [`ProgressError::UnknownStep`].
    pub fn mark_done(
        &mut self,
        programme: &Programme,
        step: &str,
        now: UnixTime,
    ) -> Result<(), ProgressError> {
        let step = self.step(programme, step)?;
        self.done.entry(step.id.clone()).or_insert(now);
        Ok(())
    }

    /// Adds a reflection to a reflection step, and marks the step done.
    ///
    /// # Errors
    /// [`ProgressError`]: another programme, unknown step, not a reflection step, empty text.
    pub fn add_reflection(
        &mut self,
        programme: &Programme,
        step: &str,
        text: &str,
        now: UnixTime,
    ) -> Result<(), ProgressError> {
        let found = self.step(programme, step)?;
        if !matches!(found.content, StepContent::Reflection { .. }) {
            return Err(ProgressError::NotAReflection(step.to_owned()));
        }
        let text = text.trim();
        if text.is_empty() {
            return Err(ProgressError::EmptyReflection);
        }
        self.reflections.push(Reflection {
            step: found.id.clone(),
            written: now,
            text: text.to_owned(),
        });
        self.mark_done(programme, step, now)
    }

    /// The first step not yet done, with its module; `None` when all are done.
    #[must_use]
    pub fn next_step<'p>(&self, programme: &'p Programme) -> Option<(&'p Module, &'p Step)> {
        programme
            .steps()
            .find(|(_, s)| !self.done.contains_key(&s.id))
    }

    /// Per module: steps done of total (steps since removed from the programme do not count).
    #[must_use]
    pub fn modules(&self, programme: &Programme) -> Vec<ModuleStatus> {
        programme
            .modules
            .iter()
            .map(|m| ModuleStatus {
                id: m.id.clone(),
                title: m.title.clone(),
                done: m
                    .steps
                    .iter()
                    .filter(|s| self.done.contains_key(&s.id))
                    .count(),
                total: m.steps.len(),
            })
            .collect()
    }

    /// The reflections written on `step`, oldest first.
    pub fn reflections_on<'a>(&'a self, step: &'a str) -> impl Iterator<Item = &'a Reflection> {
        self.reflections.iter().filter(move |r| r.step == step)
    }

    /// Steps done of total, per module and overall, with the next step and the reflected steps.
    #[must_use]
    pub fn report(&self, programme: &Programme) -> ProgressReport {
        let modules = self.modules(programme);
        let reflected: Vec<String> = programme
            .steps()
            .filter(|(_, s)| self.reflections_on(&s.id).next().is_some())
            .map(|(_, s)| s.id.clone())
            .collect();
        ProgressReport {
            programme: programme.id.clone(),
            done: modules.iter().map(|m| m.done).sum(),
            total: modules.iter().map(|m| m.total).sum(),
            modules,
            next_step: self.next_step(programme).map(|(_, s)| s.id.clone()),
            reflected,
        }
    }

    /// Plain text: the programme, steps done of total, and the next step.
    #[must_use]
    pub fn summary(&self, programme: &Programme, lang: Lang) -> String {
        let ProgressReport { done, total, .. } = self.report(programme);
        let (of, steps, next, finished) = match lang {
            Lang::Nl => (
                "van",
                "stappen gedaan",
                "Volgende stap",
                "Alle stappen zijn gedaan.",
            ),
            Lang::En => ("of", "steps done", "Next step", "All steps are done."),
        };
        let mut text = format!(
            "{}: {done} {of} {total} {steps}.",
            programme.title.get(lang)
        );
        match self.next_step(programme) {
            Some((m, s)) => text.push_str(&format!(
                " {next}: {} — {}.",
                m.title.get(lang),
                s.title.get(lang)
            )),
            None => text.push_str(&format!(" {finished}")),
        }
        text
    }

    /// The record as JSON bytes, to store as a vault item in scope `programmas`.
    ///
    /// # Errors
    /// [`EncodeError::Internal`] only on a bug.
    pub fn to_json(&self) -> Result<Vec<u8>, EncodeError> {
        crate::fhir::to_json_bytes(self)
    }

    /// Reads a stored record.
    ///
    /// # Errors
    /// [`ProgressError::Json`] when it is not a progress record.
    pub fn from_json(json: &[u8]) -> Result<Self, ProgressError> {
        let p: Self = serde_json::from_slice(json).map_err(|_| ProgressError::Json)?;
        if p.format == PROGRESS_FORMAT {
            Ok(p)
        } else {
            Err(ProgressError::Json)
        }
    }
}
