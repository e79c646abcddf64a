//! QR codes on the terminal, as PNG and SVG files, and read back from images.

use std::path::{Path, PathBuf};

use crypto::qr::TerminalBackground;
use crypto::Qr;

use super::CliError;

/// Pixels per QR module in PNG files.
const MODULE_PX: u32 = 8;

/// The code drawn with Unicode half blocks.
pub fn terminal(text: &str) -> String {
    Qr::fit(text)
        .map(|q| q.to_terminal(TerminalBackground::Dark))
        .unwrap_or_default()
}

/// Writes `base.png` and `base.svg`; returns both paths.
pub fn write_files(text: &str, base: &Path) -> Result<(PathBuf, PathBuf), CliError> {
    let qr = Qr::fit(text).map_err(|_| CliError::Qr(super::texts().get("qr-too-long")))?;
    if let Some(dir) = base.parent() {
        std::fs::create_dir_all(dir).map_err(|source| CliError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    let png = base.with_extension("png");
    let svg = base.with_extension("svg");
    let luma = qr.to_luma(MODULE_PX);
    let image = image::GrayImage::from_raw(luma.size, luma.size, luma.pixels)
        .ok_or_else(|| CliError::Qr(super::coded(super::texts(), "internal")))?;
    image.save(&png).map_err(|e| CliError::Io {
        path: png.clone(),
        source: std::io::Error::other(e.to_string()),
    })?;
    std::fs::write(&svg, qr.to_svg(256)).map_err(|source| CliError::Io {
        path: svg.clone(),
        source,
    })?;
    Ok((png, svg))
}

/// The text of the first QR code found in the image at `path`.
pub fn decode_image(path: &Path) -> Result<String, CliError> {
    let unreadable = || {
        CliError::Qr(super::texts().fmt(
            "qr-unreadable",
            &[("path", path.display().to_string().into())],
        ))
    };
    let image = image::open(path).map_err(|_| unreadable())?.to_luma8();
    let (width, height) = image.dimensions();
    let to_usize = |n: u32| usize::try_from(n).unwrap_or(0);
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(to_usize(width), to_usize(height), |x, y| {
            u32::try_from(x)
                .ok()
                .zip(u32::try_from(y).ok())
                .map_or(255, |(x, y)| image.get_pixel(x, y).0[0])
        });
    prepared
        .detect_grids()
        .into_iter()
        .find_map(|grid| grid.decode().ok().map(|(_, text)| text))
        .ok_or_else(unreadable)
}
