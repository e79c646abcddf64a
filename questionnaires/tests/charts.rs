//! Charts: every plotted point is where its score puts it.

mod common;

use common::*;
use questionnaires::catalog::{POSITIEVE_GEZONDHEID_KORT, PSS_10, VLQ, ZRM_2017};
use questionnaires::chart::{RADAR_CENTRE, RADAR_RADIUS, TREND_GEOMETRY};
use questionnaires::{
    spider_web, spider_web_of, trend_line, Axis, ChartError, Lang, Points, ScoreSheet,
};

/// A plotted point read back from the SVG.
#[derive(Debug)]
struct Plotted {
    measure: String,
    value: f64,
    time: Option<String>,
    x: f64,
    y: f64,
}

fn points(svg: &str) -> Vec<Plotted> {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let num = |n: &roxmltree::Node<'_, '_>, a: &str| -> f64 {
        n.attribute(a)
            .unwrap_or_else(|| panic!("attribute {a}"))
            .parse()
            .expect("a number")
    };
    doc.descendants()
        .filter(|n| n.has_tag_name("circle") && n.attribute("class") == Some("point"))
        .map(|n| Plotted {
            measure: n
                .attribute("data-measure")
                .expect("data-measure")
                .to_owned(),
            value: num(&n, "data-value"),
            time: n.attribute("data-time").map(str::to_owned),
            x: num(&n, "cx"),
            y: num(&n, "cy"),
        })
        .collect()
}

fn texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("xml");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::to_owned))
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 0.01
}

/// Checks each point of a spider web: its key, value, distance from the centre proportional to
/// the score (radius·value/max) and its axis direction (first up, then clockwise).
fn check_web(svg: &str, sheet: &ScoreSheet, max: f64) {
    let plotted = points(svg);
    let parts = sheet.parts();
    assert_eq!(plotted.len(), parts.len(), "one point per domain");
    let n = parts.len() as f64;
    for (i, (p, m)) in plotted.iter().zip(parts).enumerate() {
        assert_eq!(p.measure, m.key);
        let value = m.value.to_f64();
        assert!(close(p.value, value), "{}: {} vs {value}", m.key, p.value);
        let (dx, dy) = (p.x - RADAR_CENTRE.0, p.y - RADAR_CENTRE.1);
        let r = (dx * dx + dy * dy).sqrt();
        assert!(
            (r - RADAR_RADIUS * value / max).abs() < 0.02,
            "{}: radius {r}",
            m.key
        );
        let angle = -std::f64::consts::FRAC_PI_2 + 2.0 * std::f64::consts::PI * i as f64 / n;
        let r = RADAR_RADIUS * value / max;
        assert!(
            close(p.x, RADAR_CENTRE.0 + r * angle.cos()),
            "{}: x {}",
            m.key,
            p.x
        );
        assert!(
            close(p.y, RADAR_CENTRE.1 + r * angle.sin()),
            "{}: y {}",
            m.key,
            p.y
        );
    }
}

#[test]
fn positieve_gezondheid_spider_web_puts_each_dimension_at_its_score() {
    let pg = instrument(POSITIEVE_GEZONDHEID_KORT);
    let sheet = score(&pg, &pg_answers([6, 4, 8, 10, 3, 0]), T0);
    let svg = spider_web_of(&sheet, Lang::Nl).expect("chart");
    check_web(&svg, &sheet, 10.0);
    let measures: Vec<String> = points(&svg).into_iter().map(|p| p.measure).collect();
    assert_eq!(measures, PG_DIMENSIONS);
    // The 10 (fourth of six axes: straight down) lies on the outer ring, the 0 in the centre.
    let p = points(&svg);
    assert!(close(p[3].x, RADAR_CENTRE.0) && close(p[3].y, RADAR_CENTRE.1 + RADAR_RADIUS));
    assert!(close(p[5].x, RADAR_CENTRE.0) && close(p[5].y, RADAR_CENTRE.1));
    // Labels in one language.
    let labels = texts(&svg).join("|");
    assert!(labels.contains("Mentaal welbevinden: 4"), "{labels}");
    let en = texts(&spider_web_of(&sheet, Lang::En).expect("chart")).join("|");
    assert!(
        !en.contains("Mentaal welbevinden") && en.contains(": 4"),
        "{en}"
    );
}

#[test]
fn zrm_spider_web_has_thirteen_points_and_escaped_labels() {
    let zrm = instrument(ZRM_2017);
    let sheet = score(&zrm, &zrm_self_answers(), T0);
    let svg = spider_web_of(&sheet, Lang::Nl).expect("chart");
    check_web(&svg, &sheet, 5.0);
    assert_eq!(points(&svg).len(), 13);
    // "Werk & opleiding" is escaped in the text and reads back whole.
    assert!(svg.contains("Werk &amp; opleiding"));
    assert!(texts(&svg).iter().any(|t| t == "Werk & opleiding: 4"));
}

#[test]
fn labels_that_look_like_markup_stay_text() {
    let axis = |key: &str, label: &str, v: i64| Axis {
        key: key.to_owned(),
        label: label.to_owned(),
        value: Points::whole(v),
        max: Points::whole(10),
    };
    let svg = spider_web(
        "Titel <b>\"vet\"</b> & 'zo'",
        &[
            axis("a", "<script>alert(1)</script>", 5),
            axis("b\"><x", "B & B", 10),
            axis("c", "C", 0),
        ],
    )
    .expect("chart");
    assert!(!svg.contains("<script>") && !svg.contains("<b>"));
    let doc = roxmltree::Document::parse(&svg).expect("still well-formed");
    assert!(doc
        .descendants()
        .all(|n| !n.has_tag_name("script") && !n.has_tag_name("b")));
    let t = texts(&svg);
    assert!(
        t.contains(&"<script>alert(1)</script>: 5".to_owned()),
        "{t:?}"
    );
    assert!(t.contains(&"Titel <b>\"vet\"</b> & 'zo'".to_owned()));
    assert_eq!(points(&svg)[1].measure, "b\"><x");
    let too_high = spider_web(
        "x",
        &[axis("a", "A", 11), axis("b", "B", 1), axis("c", "C", 1)],
    );
    assert_eq!(too_high, Err(ChartError::OutOfScale("a".into())));
    assert_eq!(
        spider_web("x", &[axis("a", "A", 1), axis("b", "B", 1)]),
        Err(ChartError::TooFewAxes)
    );
}

#[test]
fn pss_trend_line_places_scores_by_time_and_value() {
    let pss = instrument(PSS_10);
    let sheets = [
        score(
            &pss,
            &pss_answers([2, 1, 2, 1, 1, 2, 3, 1, 2, 2]),
            T0 + 30 * DAY,
        ), // 21
        score(&pss, &pss_answers([2, 1, 3, 0, 1, 2, 4, 1, 3, 2]), T0), // 23
        score(
            &pss,
            &pss_answers([1, 1, 1, 2, 2, 1, 2, 2, 1, 1]),
            T0 + 91 * DAY,
        ), // 14
        score(&instrument(VLQ), &vlq_gap_answers(), T0),               // left out
    ];
    let svg = trend_line(&pss, &sheets, "totaal", Lang::En).expect("chart");
    let plotted = points(&svg);
    assert_eq!(plotted.len(), 3, "one point per PSS-10 sheet");
    let g = TREND_GEOMETRY;
    let expected = [(0, 23.0), (30, 21.0), (91, 14.0)];
    for (p, (day, value)) in plotted.iter().zip(expected) {
        assert_eq!(p.measure, "totaal");
        assert!(close(p.value, value));
        assert!(
            close(p.y, g.bottom - value / 40.0 * (g.bottom - g.top)),
            "y {}",
            p.y
        );
        assert!(
            close(p.x, g.left + f64::from(day) / 91.0 * (g.right - g.left)),
            "x {}",
            p.x
        );
    }
    let times: Vec<&str> = plotted.iter().filter_map(|p| p.time.as_deref()).collect();
    assert_eq!(
        times,
        [
            "2026-03-01T09:00:00Z",
            "2026-03-31T09:00:00Z",
            "2026-05-31T09:00:00Z"
        ]
    );
    assert!(texts(&svg)
        .iter()
        .any(|t| t.starts_with("Perceived Stress Scale (PSS-10) — ")));
}

#[test]
fn vlq_trend_line_uses_the_score_range_and_decimals() {
    let vlq = instrument(VLQ);
    let spec = vlq.measure("totaal").expect("total").clone();
    let a = score(&vlq, &vlq_answers([8; 10], [4; 10]), T0); // 32
    let b = score(&vlq, &vlq_gap_answers(), T0 + 7 * DAY);
    let svg = trend_line(&vlq, &[a.clone(), b.clone()], "totaal", Lang::Nl).expect("chart");
    let plotted = points(&svg);
    assert_eq!(plotted.len(), 2);
    let g = TREND_GEOMETRY;
    let (min, max) = (spec.min.to_f64(), spec.max.to_f64());
    for (p, sheet) in plotted.iter().zip([&a, &b]) {
        let v = sheet.total().expect("total").value.to_f64();
        assert!(close(p.value, v), "{} vs {v}", p.value);
        assert!(close(
            p.y,
            g.bottom - (v - min) / (max - min) * (g.bottom - g.top)
        ));
    }
    assert!(close(plotted[0].x, g.left) && close(plotted[1].x, g.right));
    // One sheet: the point sits in the middle.
    let one = points(&trend_line(&vlq, &[a], "vrienden", Lang::Nl).expect("chart"));
    assert_eq!(one.len(), 1);
    assert!(close(one[0].x, (g.left + g.right) / 2.0));
    assert_eq!(
        trend_line(&vlq, &[], "totaal", Lang::Nl),
        Err(ChartError::NoPoints)
    );
    assert_eq!(
        trend_line(&vlq, &[], "bestaat-niet", Lang::Nl),
        Err(ChartError::UnknownMeasure("bestaat-niet".into()))
    );
}

#[test]
fn a_sheet_without_domains_makes_no_spider_web() {
    let pss = score(&instrument(PSS_10), &pss_mixed_answers(), T0);
    assert_eq!(spider_web_of(&pss, Lang::Nl), Err(ChartError::TooFewAxes));
}

#[cfg(feature = "png")]
#[test]
fn png_has_the_signature_and_the_requested_size() {
    use questionnaires::chart::png::{render, PNG_SIGNATURE};
    let sheet = score(&instrument(ZRM_2017), &zrm_self_answers(), T0);
    let svg = spider_web_of(&sheet, Lang::Nl).expect("chart");
    let png = render(&svg, 300, 200).expect("png");
    assert_eq!(png.get(..8), Some(&PNG_SIGNATURE[..]));
    // The IHDR chunk follows the signature: length, "IHDR", width, height (big-endian).
    assert_eq!(png.get(12..16), Some(&b"IHDR"[..]));
    let be = |r: std::ops::Range<usize>| u32::from_be_bytes(png[r].try_into().expect("4 bytes"));
    assert_eq!((be(16..20), be(20..24)), (300, 200));
    assert!(png.len() > 1000, "something was drawn");
    assert!(matches!(render(&svg, 0, 10), Err(ChartError::Png(_))));
}
