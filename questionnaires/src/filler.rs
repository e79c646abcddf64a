//! A sans-IO state machine for filling in an instrument one question at a time.
//!
//! A CLI or web UI asks [`Filler::current`] for the question to show (with its options and the
//! answer given earlier, if the person went back), passes what the person entered to
//! [`Filler::answer`] or [`Filler::answer_input`], may [`Filler::back`] up, and finally calls
//! [`Filler::finish`] with the current time.

use crate::answer::{AnswerError, AnswerValue, Answers, Completed, FillError, QuestionRef};
use crate::instrument::{Instrument, Question, Section};
use crate::time::UnixTime;

/// Filling in one instrument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filler {
    instrument: Instrument,
    answers: Answers,
    position: usize,
}

/// Where the person is: question `number` of `count` (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// The question's number, from 1.
    pub number: usize,
    /// How many questions there are.
    pub count: usize,
}

impl Filler {
    /// Starts at the first question.
    #[must_use]
    pub fn new(instrument: Instrument) -> Self {
        Self {
            instrument,
            answers: Answers::default(),
            position: 0,
        }
    }

    /// The instrument being filled in.
    #[must_use]
    pub fn instrument(&self) -> &Instrument {
        &self.instrument
    }

    /// The question to show, or `None` once past the last one (time to finish).
    #[must_use]
    pub fn current(&self) -> Option<&Question> {
        self.instrument.questions().get(self.position)
    }

    /// The section (top-level group) of the current question, for a heading.
    #[must_use]
    pub fn current_section(&self) -> Option<&Section> {
        self.current()
            .and_then(|q| q.section)
            .and_then(|i| self.instrument.sections().get(i))
    }

    /// The answer given earlier to the current question (after going back).
    #[must_use]
    pub fn current_answer(&self) -> Option<&AnswerValue> {
        self.current().and_then(|q| self.answers.get(&q.link_id))
    }

    /// Progress through the questions. At the end `number` is `count + 1`.
    #[must_use]
    pub fn position(&self) -> Position {
        Position {
            number: self.position + 1,
            count: self.instrument.questions().len(),
        }
    }

    /// The answers so far.
    #[must_use]
    pub fn answers(&self) -> &Answers {
        &self.answers
    }

    /// Answers the current question and moves to the next.
    ///
    /// # Errors
    /// [`AnswerError`] naming the question; nothing changes. At the end there is no question to
    /// answer and the call does nothing.
    pub fn answer(&mut self, value: AnswerValue) -> Result<(), AnswerError> {
        let Some(q) = self.current() else {
            return Ok(());
        };
        q.check(&value)?;
        let link_id = q.link_id.clone();
        self.answers.set(&link_id, value);
        self.position += 1;
        Ok(())
    }

    /// Answers the current question from typed text (option code, number, text, `ja`/`nee`).
    ///
    /// # Errors
    /// [`AnswerError`] naming the question; nothing changes.
    pub fn answer_input(&mut self, input: &str) -> Result<(), AnswerError> {
        let Some(q) = self.current() else {
            return Ok(());
        };
        let value = q.parse_input(input)?;
        self.answer(value)
    }

    /// Leaves the current question unanswered (clearing an earlier answer) and moves on.
    ///
    /// # Errors
    /// [`AnswerError::Required`] when the question must be answered.
    pub fn skip(&mut self) -> Result<(), AnswerError> {
        let Some(q) = self.current() else {
            return Ok(());
        };
        if q.must_answer() {
            return Err(AnswerError::Required {
                question: QuestionRef::from(q),
            });
        }
        let link_id = q.link_id.clone();
        self.answers.remove(&link_id);
        self.position += 1;
        Ok(())
    }

    /// Goes back one question, keeping its answer to show or change. `false` at the first.
    pub fn back(&mut self) -> bool {
        if self.position == 0 {
            return false;
        }
        self.position -= 1;
        true
    }

    /// Completes the response with the time of filling in.
    ///
    /// # Errors
    /// [`FillError::Missing`] listing every question that still must be answered (nothing is
    /// ever scored from a partial set); [`FillError::Time`].
    pub fn finish(&self, authored: UnixTime) -> Result<Completed, FillError> {
        Completed::new(self.instrument.clone(), self.answers.clone(), authored)
    }
}
