//! PNG output of a chart (cargo feature `png`), rendered with `resvg`.
//!
//! `resvg` is built without its `text` feature: text needs fonts, and loading system fonts
//! would be IO this crate does not do (and fonts differ per machine). So the PNG shows the
//! web, lines and points but **no labels or title**; show those next to the image, or use the
//! SVG where text matters.

use resvg::{tiny_skia, usvg};

use super::ChartError;

/// The PNG signature every PNG file starts with.
pub const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// Renders `svg` (a chart of this module) into a `width` × `height` PNG, scaled to fill it.
///
/// # Errors
/// [`ChartError::Png`] for SVG text resvg cannot read, a size of 0 or beyond what fits in memory,
/// or a failed encoding.
pub fn render(svg: &str, width: u32, height: u32) -> Result<Vec<u8>, ChartError> {
    let tree = usvg::Tree::from_str(svg, &usvg::Options::default())
        .map_err(|e| ChartError::Png(e.to_string()))?;
    let mut pixmap = tiny_skia::Pixmap::new(width, height)
        .ok_or_else(|| ChartError::Png(format!("size {width}×{height}")))?;
    let size = tree.size();
    #[allow(
        clippy::cast_precision_loss,
        reason = "image sizes are far below 2^24 pixels a side"
    )]
    let (sx, sy) = (width as f32 / size.width(), height as f32 / size.height());
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(sx, sy),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| ChartError::Png(e.to_string()))
}
