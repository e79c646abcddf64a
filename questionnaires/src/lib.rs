//! Questionnaires and programmes for Rugzak: FHIR R4 instruments, filling, scoring, trends,
//! programmes and suggestions.
//!
//! Sans-IO: no file, network or clock access. Definitions ship inside the crate (JSON embedded
//! with `include_str!`); a licence holder's files are passed in as text; callers pass the time.
//! The outputs are FHIR R4 JSON (`QuestionnaireResponse`, `Observation`) and Rugzak JSON
//! (programme progress) for the client to store as vault items: responses and scores in scope
//! `vragenlijsten`, programme progress in scope `programmas`.
//!
//! A typical flow:
//! 1. [`Catalog::builtin`] lists the instruments; pick one by key (`pss-10`, `vlq`, ...).
//! 2. Fill it with a [`Filler`] one question at a time, or with
//!    [`Completed::from_answers_json`] from a JSON answers map.
//! 3. [`Completed::response`] gives the QuestionnaireResponse; [`Completed::score`] gives a
//!    [`ScoreSheet`], whose [`ScoreSheet::observation`] is the Observation and
//!    [`ScoreSheet::summary`] a text for people.
//! 4. [`Trend::new`] turns several sheets of one instrument into series with change and
//!    direction; [`suggestions`] turns the latest sheets into advice: the huisarts, 113 or a
//!    programme, each with the score it rests on.
//! 5. [`Progress`] records a person's way through a [`Programme`].
//!
//! ```
//! use questionnaires::{Catalog, Filler, Lang, ResourceId};
//!
//! let catalog = Catalog::builtin()?;
//! let pss = catalog.get("pss-10").expect("shipped").clone();
//! let mut filler = Filler::new(pss);
//! while filler.current().is_some() {
//!     // A UI shows `filler.current()` with its options and passes on what was typed.
//!     filler.answer_input("2")?;
//! }
//! let done = filler.finish(1_772_355_600)?; // the caller's clock: 2026-03-01T09:00:00Z
//! let id = ResourceId::new("r1")?;
//! let response = questionnaires::fhir::to_json_bytes(&done.response(Some(&id)))?;
//! let sheet = done.score()?;
//! let observation = questionnaires::fhir::to_json_bytes(&sheet.observation(None, Some(&id)))?;
//! assert!(sheet.summary(Lang::Nl).contains("Totaalscore: 20 (bereik 0–40) — matig"));
//! # let _ = (response, observation);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod answer;
pub mod catalog;
pub mod chart;
pub mod fhir;
pub mod filler;
pub mod instrument;
pub mod licensed;
pub mod points;
pub mod programme;
pub mod report;
pub mod score;
pub mod suggest;
pub mod text;
pub mod time;
pub mod trend;

pub use answer::{AnswerError, AnswerValue, Answers, Completed, FillError, QuestionRef};
pub use catalog::{Catalog, CatalogError};
pub use chart::{spider_web, spider_web_of, trend_line, Axis, ChartError};
pub use fhir::ResourceId;
pub use filler::{Filler, Position};
pub use instrument::{
    AnswerKind, Band, Choice, Direction, Instrument, LoadError, MeasureSpec, Question, Scoring,
    Section,
};
pub use licensed::CriteriaError;
pub use points::Points;
pub use programme::{
    Module, ModuleStatus, Programme, ProgrammeError, Progress, ProgressError, ProgressReport,
    Reflection, Step, StepContent,
};
pub use report::{DomainScore, RatedBy, ScoreReport, SCORE_SCHEMA};
pub use score::{BandRef, Measure, Method, ReadScoreError, ScoreError, ScoreSheet};
pub use suggest::{
    suggestions, Condition, Reason, Rule, RuleError, RuleSet, ScoreBasis, Suggestion,
    SuggestionKind,
};
pub use text::{Lang, Text};
pub use time::UnixTime;
pub use trend::{Change, Meaning, Movement, Series, Trend, TrendPoint};
