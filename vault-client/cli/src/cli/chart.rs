//! `rugzak vragenlijst grafiek KEY [--out FILE] [--measure M]`: a chart of the stored scores as
//! SVG, or PNG when the file name ends in `.png`.
//!
//! Instruments with domain scores and no total (Positieve Gezondheid, ZRM) get a spider web of
//! the latest score sheet; instruments with a total (PSS-10, VLQ) get a trend line of all score
//! sheets, of the total or of the score named with `--measure` (which also turns any instrument
//! into a trend line).

use std::path::PathBuf;

use questionnaires::chart::{RADAR_SIZE, TREND_GEOMETRY};
use questionnaires::{Catalog, ChartError, ScoreSheet};
use rugzak_i18n::Arg;
use serde_json::json;

use super::super::{CliError, Ctx};
use super::{instrument, stored_sheets};

/// PNG pixels per SVG unit: sharp enough on a high-density screen.
const PNG_SCALE: u32 = 2;

pub fn run(
    ctx: &Ctx,
    catalog: &Catalog,
    key: &str,
    out: Option<PathBuf>,
    measure: Option<&str>,
) -> Result<(), CliError> {
    let (t, lang) = (ctx.t(), ctx.q_lang());
    let instrument = instrument(ctx, catalog, key)?;
    let mut sheets: Vec<ScoreSheet> = stored_sheets(ctx, catalog)?
        .into_iter()
        .filter(|s| s.instrument() == key)
        .collect();
    sheets.sort_by_key(ScoreSheet::effective);
    let no_scores = || CliError::Usage(t.fmt("chart-no-scores", &[("key", Arg::from(key))]));
    let failed = |e: ChartError| {
        CliError::Usage(t.fmt("chart-failed", &[("reason", Arg::from(e.to_string()))]))
    };
    let trend_measure = measure.or_else(|| instrument.total().map(|m| m.key.as_str()));
    let (kind, svg, size, measure) = match trend_measure {
        Some(m) => {
            if instrument.measure(m).is_none() {
                let known: Vec<&str> = instrument
                    .total()
                    .into_iter()
                    .chain(instrument.parts())
                    .map(|s| s.key.as_str())
                    .collect();
                return Err(CliError::Usage(t.fmt(
                    "chart-unknown-measure",
                    &[
                        ("measure", Arg::from(m)),
                        ("known", Arg::from(known.join(", "))),
                    ],
                )));
            }
            let svg = questionnaires::trend_line(instrument, &sheets, m, lang).map_err(|e| {
                if e == ChartError::NoPoints {
                    no_scores()
                } else {
                    failed(e)
                }
            })?;
            let size = (TREND_GEOMETRY.width, TREND_GEOMETRY.height);
            ("trend-line", svg, size, Some(m))
        }
        None => {
            let latest = sheets.last().ok_or_else(no_scores)?;
            let svg = questionnaires::spider_web_of(latest, lang).map_err(failed)?;
            ("spider-web", svg, (RADAR_SIZE, RADAR_SIZE), None)
        }
    };
    let path = out.unwrap_or_else(|| PathBuf::from(format!("{key}.svg")));
    let png = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("png"));
    let bytes = if png {
        questionnaires::chart::png::render(&svg, size.0 * PNG_SCALE, size.1 * PNG_SCALE)
            .map_err(failed)?
    } else {
        svg.into_bytes()
    };
    std::fs::write(&path, &bytes).map_err(|source| CliError::Io {
        path: path.clone(),
        source,
    })?;
    let shown = path.display().to_string();
    ctx.emit(
        || {
            let mut text = t.fmt("chart-written", &[("path", Arg::from(&shown))]);
            if png {
                text.push('\n');
                text.push_str(&t.get("chart-png-no-text"));
            }
            text
        },
        json!({
            "path": shown,
            "format": if png { "png" } else { "svg" },
            "chart": kind,
            "instrument": key,
            "measure": measure,
            "sheets": sheets.len(),
        }),
    );
    Ok(())
}
