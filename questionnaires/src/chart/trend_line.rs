//! The trend line: one score of one instrument over time.

use super::svg::{self, escape, num};
use super::ChartError;
use crate::instrument::Instrument;
use crate::points::Points;
use crate::score::ScoreSheet;
use crate::text::Lang;
use crate::time;
use crate::trend::Trend;

/// The size and plot area of a trend line chart, in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrendGeometry {
    /// Width of the image.
    pub width: u32,
    /// Height of the image.
    pub height: u32,
    /// x of the earliest score.
    pub left: f64,
    /// x of the latest score.
    pub right: f64,
    /// y of the score's maximum.
    pub top: f64,
    /// y of the score's minimum.
    pub bottom: f64,
}

/// The geometry every trend line uses.
pub const TREND_GEOMETRY: TrendGeometry = TrendGeometry {
    width: 640,
    height: 360,
    left: 70.0,
    right: 610.0,
    top: 50.0,
    bottom: 300.0,
};

/// Dates under the x axis for at most this many points; more get only the first and last.
const MAX_DATE_LABELS: usize = 6;

/// A trend line of score `measure` (`totaal`, a domain) of `instrument` over the `sheets` of
/// that instrument (others are left out), labelled in `lang`.
///
/// Geometry ([`TREND_GEOMETRY`]): the y axis runs from the score's minimum at `bottom` to its
/// maximum at `top`, so y = bottom − (v − min)/(max − min)·(bottom − top); the x axis runs from
/// the earliest time at `left` to the latest at `right`, in proportion to time (a single score
/// sits in the middle).
///
/// # Errors
/// [`ChartError::UnknownMeasure`] for a score the instrument does not have;
/// [`ChartError::NoPoints`] when no sheet of the instrument holds it.
pub fn trend_line(
    instrument: &Instrument,
    sheets: &[ScoreSheet],
    measure: &str,
    lang: Lang,
) -> Result<String, ChartError> {
    let spec = instrument
        .measure(measure)
        .ok_or_else(|| ChartError::UnknownMeasure(measure.to_owned()))?;
    let trend = Trend::new(instrument, sheets);
    let series = trend
        .series(measure)
        .filter(|s| !s.points.is_empty())
        .ok_or(ChartError::NoPoints)?;
    if spec.max <= spec.min {
        return Err(ChartError::OutOfScale(measure.to_owned()));
    }
    let g = TREND_GEOMETRY;
    let y_of = |v: Points| {
        g.bottom
            - (v.minus(spec.min).to_f64()) / (spec.max.minus(spec.min).to_f64())
                * (g.bottom - g.top)
    };
    let (first, last) = match (series.points.first(), series.points.last()) {
        (Some(f), Some(l)) => (f.at, l.at),
        _ => return Err(ChartError::NoPoints),
    };
    let x_of = |t: i64| {
        if last == first {
            (g.left + g.right) / 2.0
        } else {
            #[allow(
                clippy::cast_precision_loss,
                reason = "seconds between scores stay far below 2^52"
            )]
            let fraction = (t - first) as f64 / (last - first) as f64;
            g.left + fraction * (g.right - g.left)
        }
    };
    let title = format!(
        "{} — {}",
        instrument.title().get(lang),
        spec.label.get(lang)
    );
    let mut out = svg::open(g.width, g.height, &title);
    // Five grid lines from the minimum to the maximum, labelled with their score.
    out.push_str(r##"<g class="grid" stroke="#dddddd">"##);
    let ticks: Vec<Points> = (0..=4)
        .map(|k| {
            let span = spec.max.minus(spec.min).hundredths();
            spec.min.plus(Points::from_hundredths(span * k / 4))
        })
        .collect();
    for t in &ticks {
        let y = y_of(*t);
        out.push_str(&format!(
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
            num(g.left - 10.0),
            num(y),
            num(g.right + 10.0),
            num(y)
        ));
    }
    out.push_str("</g>");
    for t in &ticks {
        out.push_str(&svg::text(
            "y-label",
            g.left - 16.0,
            y_of(*t) + 4.0,
            "end",
            &t.display(lang),
        ));
    }
    let coords: Vec<(f64, f64)> = series
        .points
        .iter()
        .map(|p| (x_of(p.at), y_of(p.value)))
        .collect();
    let line: Vec<String> = coords
        .iter()
        .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
        .collect();
    out.push_str(&format!(
        r##"<polyline class="line" points="{}" fill="none" stroke="#2b6cb0" stroke-width="2"/>"##,
        line.join(" ")
    ));
    let n = series.points.len();
    for (i, (p, (x, y))) in series.points.iter().zip(&coords).enumerate() {
        let when = time::format_datetime(p.at).unwrap_or_default();
        out.push_str(&format!(
            r##"<circle class="point" data-measure="{}" data-value="{}" data-time="{}" cx="{}" cy="{}" r="4" fill="#2b6cb0"/>"##,
            escape(&series.key),
            p.value,
            escape(&when),
            num(*x),
            num(*y)
        ));
        out.push_str(&svg::text(
            "value-label",
            *x,
            y - 10.0,
            "middle",
            &p.value.display(lang),
        ));
        if n <= MAX_DATE_LABELS || i == 0 || i + 1 == n {
            let date = when.get(..10).unwrap_or_default();
            out.push_str(&svg::text("x-label", *x, g.bottom + 24.0, "middle", date));
        }
    }
    out.push_str("</svg>");
    Ok(out)
}
