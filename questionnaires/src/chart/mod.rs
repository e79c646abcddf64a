//! Charts as standalone SVG text (no scripts, no external files): a spider web (radar) of one
//! score sheet's domains (Positieve Gezondheid 0–10, ZRM 1–5) and a trend line of one score
//! over time (PSS-10, VLQ). With the cargo feature `png`, [`png::render`] turns the SVG into a
//! PNG image.
//!
//! Every plotted value is a `<circle class="point">` with `data-measure` (the score key),
//! `data-value` (the score as written in JSON, e.g. `7` or `7.29`) and, on trend lines,
//! `data-time` (RFC 3339), at exactly the coordinates the geometry documented on
//! [`spider_web`] and [`trend_line`] gives (two decimals). Labels are in one language.

mod radar;
mod svg;
mod trend_line;

#[cfg(feature = "png")]
pub mod png;

use thiserror::Error;

pub use radar::{spider_web, spider_web_of, Axis, RADAR_CENTRE, RADAR_RADIUS, RADAR_SIZE};
pub use svg::escape;
pub use trend_line::{trend_line, TrendGeometry, TREND_GEOMETRY};

/// Why a chart could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ChartError {
    /// A spider web needs at least three domain scores.
    #[error("een spinnenweb heeft minstens drie domeinen nodig / a spider web needs at least three domains")]
    TooFewAxes,
    /// A value outside 0..=max, or a scale whose maximum is not above zero.
    #[error("score {0} valt buiten de schaal / score {0} is outside the scale")]
    OutOfScale(String),
    /// The instrument has no score with this key.
    #[error("onbekende score {0} / unknown score {0}")]
    UnknownMeasure(String),
    /// No score sheet of the instrument holds the score.
    #[error("geen scores om te tekenen / no scores to draw")]
    NoPoints,
    /// The SVG could not be turned into a PNG (only a bug in this module causes it).
    #[error("PNG maken mislukt / PNG rendering failed: {0}")]
    Png(String),
}
