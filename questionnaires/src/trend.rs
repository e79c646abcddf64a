//! Trends: several score sheets of one instrument over time, per score, with the change and
//! whether it is for the better.

use crate::instrument::{Direction, Instrument};
use crate::points::Points;
use crate::score::ScoreSheet;
use crate::text::{Lang, Text};
use crate::time::{self, UnixTime};

/// Which way a score moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    /// Higher than before.
    Up,
    /// Lower than before.
    Down,
    /// The same.
    Same,
}

/// What the movement means, given the instrument's direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meaning {
    /// Better (e.g. less stress).
    Better,
    /// Worse.
    Worse,
    /// No change.
    Unchanged,
    /// The instrument does not say which way is better.
    Unknown,
}

impl Meaning {
    fn text(self) -> Text {
        match self {
            Self::Better => Text::new("beter", "better"),
            Self::Worse => Text::new("slechter", "worse"),
            Self::Unchanged => Text::new("gelijk", "unchanged"),
            Self::Unknown => Text::new("veranderd", "changed"),
        }
    }
}

/// One value at one time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrendPoint {
    /// When the response was filled in.
    pub at: UnixTime,
    /// The score.
    pub value: Points,
}

/// A change between two points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    /// The earlier value.
    pub from: Points,
    /// The later value.
    pub to: Points,
    /// `to - from`.
    pub delta: Points,
    /// Up, down or the same.
    pub movement: Movement,
    /// Better, worse, unchanged.
    pub meaning: Meaning,
}

impl Change {
    fn between(from: Points, to: Points, direction: Option<Direction>) -> Self {
        let movement = match to.cmp(&from) {
            std::cmp::Ordering::Greater => Movement::Up,
            std::cmp::Ordering::Less => Movement::Down,
            std::cmp::Ordering::Equal => Movement::Same,
        };
        let meaning = match (movement, direction) {
            (Movement::Same, _) => Meaning::Unchanged,
            (_, None) => Meaning::Unknown,
            (Movement::Up, Some(Direction::HigherIsBetter))
            | (Movement::Down, Some(Direction::HigherIsWorse)) => Meaning::Better,
            _ => Meaning::Worse,
        };
        Self {
            from,
            to,
            delta: to.minus(from),
            movement,
            meaning,
        }
    }
}

/// The values of one score over time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// The score's key (`totaal`, a domain, ...).
    pub key: String,
    /// Label.
    pub label: Text,
    /// Values, oldest first.
    pub points: Vec<TrendPoint>,
    /// From the first to the last value (needs two values).
    pub overall: Option<Change>,
    /// From the one-but-last to the last value (needs two values).
    pub latest: Option<Change>,
}

/// The trend of one instrument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trend {
    /// The instrument's key.
    pub instrument: String,
    /// Its title.
    pub title: Text,
    /// One series per score, total first, in the instrument's order.
    pub series: Vec<Series>,
}

impl Trend {
    /// Builds the trend of `instrument` from score sheets; sheets of other instruments are left
    /// out, the rest sorted by time.
    #[must_use]
    pub fn new(instrument: &Instrument, sheets: &[ScoreSheet]) -> Self {
        let mut mine: Vec<&ScoreSheet> = sheets
            .iter()
            .filter(|s| s.instrument() == instrument.key())
            .collect();
        mine.sort_by_key(|s| s.effective());
        let series = instrument
            .total()
            .into_iter()
            .chain(instrument.parts())
            .map(|spec| {
                let points: Vec<TrendPoint> = mine
                    .iter()
                    .filter_map(|s| {
                        s.measure(&spec.key).map(|m| TrendPoint {
                            at: s.effective(),
                            value: m.value,
                        })
                    })
                    .collect();
                let change = |a: Option<&TrendPoint>, b: Option<&TrendPoint>| match (a, b) {
                    (Some(a), Some(b)) if points.len() >= 2 => {
                        Some(Change::between(a.value, b.value, instrument.direction()))
                    }
                    _ => None,
                };
                let overall = change(points.first(), points.last());
                let latest = change(
                    points.len().checked_sub(2).and_then(|i| points.get(i)),
                    points.last(),
                );
                Series {
                    key: spec.key.clone(),
                    label: spec.label.clone(),
                    points,
                    overall,
                    latest,
                }
            })
            .collect();
        Self {
            instrument: instrument.key().to_owned(),
            title: instrument.title().clone(),
            series,
        }
    }

    /// The series of the score with `key`.
    #[must_use]
    pub fn series(&self, key: &str) -> Option<&Series> {
        self.series.iter().find(|s| s.key == key)
    }

    /// Plain text, one line per score: values with dates, then the overall change.
    #[must_use]
    pub fn summary(&self, lang: Lang) -> String {
        let mut lines = vec![self.title.get(lang).to_owned()];
        for s in &self.series {
            let values: Vec<String> = s
                .points
                .iter()
                .map(|p| {
                    let date = time::format_datetime(p.at).unwrap_or_default();
                    format!(
                        "{} ({})",
                        p.value.display(lang),
                        date.get(..10).unwrap_or_default()
                    )
                })
                .collect();
            let mut line = format!("{}: {}", s.label.get(lang), values.join(" → "));
            if let Some(c) = &s.overall {
                let word = if lang == Lang::Nl {
                    "verandering"
                } else {
                    "change"
                };
                let sign = if c.delta > Points::ZERO { "+" } else { "" };
                line.push_str(&format!(
                    "; {word} {sign}{}: {}",
                    c.delta.display(lang),
                    c.meaning.text().get(lang)
                ));
            }
            lines.push(line);
        }
        lines.join("\n")
    }
}
