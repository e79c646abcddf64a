//! A little SVG text writer: escaping and number formatting shared by the charts.

use std::fmt::Write as _;

/// `text` with the five XML special characters escaped, for element text and attribute values.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters other than tab and newlines are not allowed in XML 1.0.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with two decimals (what tests read back).
pub(crate) fn num(x: f64) -> String {
    format!("{x:.2}")
}

/// The opening of a standalone SVG document with a white background and a title.
pub(crate) fn open(width: u32, height: u32, title: &str) -> String {
    let mut s = String::new();
    // Writing to a String cannot fail; the results are ignored for that reason.
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" font-family="sans-serif" font-size="13">"#
    );
    let _ = write!(s, "<title>{}</title>", escape(title));
    let _ = write!(
        s,
        r##"<rect width="{width}" height="{height}" fill="#ffffff"/>"##
    );
    let _ = write!(
        s,
        r##"<text class="chart-title" x="{}" y="24" text-anchor="middle" font-size="16" fill="#222222">{}</text>"##,
        width / 2,
        escape(title)
    );
    s
}

/// One text element.
pub(crate) fn text(class: &str, x: f64, y: f64, anchor: &str, content: &str) -> String {
    format!(
        r##"<text class="{class}" x="{}" y="{}" text-anchor="{anchor}" fill="#333333">{}</text>"##,
        num(x),
        num(y),
        escape(content)
    )
}
