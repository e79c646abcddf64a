//! The spider web (radar) chart: one axis per domain, the centre is 0.

use std::f64::consts::PI;

use super::svg::{self, escape, num};
use super::ChartError;
use crate::points::Points;
use crate::score::ScoreSheet;
use crate::text::Lang;

/// Width and height of a spider web chart, in pixels.
pub const RADAR_SIZE: u32 = 560;
/// The centre of the web.
pub const RADAR_CENTRE: (f64, f64) = (280.0, 290.0);
/// The length of an axis: a score equal to the axis maximum lies this far from the centre.
pub const RADAR_RADIUS: f64 = 180.0;

/// One axis of a spider web.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Axis {
    /// The score key (`data-measure`).
    pub key: String,
    /// The label shown, in one language.
    pub label: String,
    /// The score.
    pub value: Points,
    /// The axis maximum (the outer ring).
    pub max: Points,
}

/// The direction of axis `i` of `n`: the first points up, the others follow clockwise.
fn angle(i: usize, n: usize) -> f64 {
    #[allow(
        clippy::cast_precision_loss,
        reason = "axis counts are tiny (a handful of domains)"
    )]
    let (i, n) = (i as f64, n as f64);
    -PI / 2.0 + 2.0 * PI * i / n
}

/// The point at `fraction` of the radius along axis `i` of `n`.
fn at(i: usize, n: usize, fraction: f64) -> (f64, f64) {
    let (cx, cy) = RADAR_CENTRE;
    let r = RADAR_RADIUS * fraction;
    let a = angle(i, n);
    (cx + r * a.cos(), cy + r * a.sin())
}

/// A spider web of `axes` under `title`.
///
/// Geometry: axis `i` of `n` points at angle −90° + 360°·i/n (the first straight up, then
/// clockwise) from [`RADAR_CENTRE`]; a value `v` on an axis with maximum `max` lies at distance
/// [`RADAR_RADIUS`]·v/max from the centre, so the distance is proportional to the score.
///
/// # Errors
/// [`ChartError::TooFewAxes`] below three axes; [`ChartError::OutOfScale`] for a value below 0
/// or above its maximum, or a maximum of 0 or less.
pub fn spider_web(title: &str, axes: &[Axis]) -> Result<String, ChartError> {
    let n = axes.len();
    if n < 3 {
        return Err(ChartError::TooFewAxes);
    }
    if let Some(bad) = axes
        .iter()
        .find(|a| a.max <= Points::ZERO || a.value < Points::ZERO || a.value > a.max)
    {
        return Err(ChartError::OutOfScale(bad.key.clone()));
    }
    let mut out = svg::open(RADAR_SIZE, RADAR_SIZE, title);
    // Rings at every whole step for small scales (ZRM 1–5), at fifths for larger ones (0–10).
    let scale = axes.iter().map(|a| a.max).max().unwrap_or(Points::ZERO);
    let rings: Vec<Points> = match scale.as_whole() {
        Some(m) if m <= 5 => (1..=m).map(Points::whole).collect(),
        _ => (1..=5)
            .map(|k| Points::from_hundredths(scale.hundredths() * k / 5))
            .collect(),
    };
    out.push_str(r##"<g class="grid" fill="none" stroke="#cccccc">"##);
    for ring in &rings {
        let fraction = ring.to_f64() / scale.to_f64();
        let corners: Vec<String> = (0..n)
            .map(|i| {
                let (x, y) = at(i, n, fraction);
                format!("{},{}", num(x), num(y))
            })
            .collect();
        out.push_str(&format!(
            r#"<polygon class="ring" data-value="{ring}" points="{}"/>"#,
            corners.join(" ")
        ));
    }
    for i in 0..n {
        let (x, y) = at(i, n, 1.0);
        out.push_str(&format!(
            r#"<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
            num(RADAR_CENTRE.0),
            num(RADAR_CENTRE.1),
            num(x),
            num(y)
        ));
    }
    out.push_str("</g>");
    for ring in &rings {
        let (x, y) = at(0, n, ring.to_f64() / scale.to_f64());
        out.push_str(&svg::text(
            "ring-label",
            x + 4.0,
            y - 2.0,
            "start",
            &ring.to_string(),
        ));
    }
    let points: Vec<(f64, f64)> = axes
        .iter()
        .enumerate()
        .map(|(i, a)| at(i, n, a.value.to_f64() / a.max.to_f64()))
        .collect();
    let outline: Vec<String> = points
        .iter()
        .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
        .collect();
    out.push_str(&format!(
        r##"<polygon class="scores" points="{}" fill="#2b6cb0" fill-opacity="0.25" stroke="#2b6cb0" stroke-width="2"/>"##,
        outline.join(" ")
    ));
    for (i, (a, (x, y))) in axes.iter().zip(&points).enumerate() {
        out.push_str(&format!(
            r##"<circle class="point" data-measure="{}" data-value="{}" cx="{}" cy="{}" r="4" fill="#2b6cb0"/>"##,
            escape(&a.key),
            a.value,
            num(*x),
            num(*y)
        ));
        let (lx, ly) = at(i, n, 1.0 + 24.0 / RADAR_RADIUS);
        let cos = angle(i, n).cos();
        let anchor = if cos > 0.3 {
            "start"
        } else if cos < -0.3 {
            "end"
        } else {
            "middle"
        };
        out.push_str(&svg::text(
            "axis-label",
            lx,
            ly + 4.0,
            anchor,
            &format!("{}: {}", a.label, a.value),
        ));
    }
    out.push_str("</svg>");
    Ok(out)
}

/// A spider web of a score sheet's domain scores (Positieve Gezondheid, ZRM), labelled in
/// `lang`, titled with the instrument and the date. Values are plotted from 0 at the centre to
/// each score's maximum (ZRM 5, Positieve Gezondheid 10); see [`spider_web`] for the geometry.
///
/// # Errors
/// [`ChartError::TooFewAxes`] for a sheet with fewer than three domain scores (PSS-10, check-in).
pub fn spider_web_of(sheet: &ScoreSheet, lang: Lang) -> Result<String, ChartError> {
    let axes: Vec<Axis> = sheet
        .parts()
        .iter()
        .map(|m| Axis {
            key: m.key.clone(),
            label: m.label.get(lang).to_owned(),
            value: m.value,
            max: m.max,
        })
        .collect();
    let date = sheet.effective_text().get(..10).unwrap_or_default();
    spider_web(&format!("{} — {date}", sheet.title().get(lang)), &axes)
}
