//! Drawing QR codes at error-correction level M: SVG for files and pages, Unicode half blocks
//! for terminals, and plain 8-bit grey pixels for image files and for decoding tests.
//!
//! Level M restores up to ~15% damaged modules: enough for a phone held at a screen or a
//! slightly creased print-out, without the size cost of Q or H.
//!
//! The module matrix of a recovery code's QR (and what is drawn from it) is owned by the
//! `qrcode` crate and is not zeroized; show it, then drop it.

use std::fmt;

use qrcode::render::{svg, unicode};
use qrcode::{Color, EcLevel, QrCode};

/// Width of the light border around a code, in modules, as the QR standard asks.
pub const QUIET_ZONE: u32 = 4;

/// A QR code at level M holding some text.
pub struct Qr(QrCode);

impl fmt::Debug for Qr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Qr(version {})", self.version())
    }
}

/// The text does not fit the largest QR code (version 40) at level M.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{len} bytes of text do not fit in a QR code at error-correction level M")]
pub struct QrTooLarge {
    /// Length of the text in bytes.
    pub len: usize,
}

/// The terminal's background, so that dark modules come out dark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TerminalBackground {
    /// Light text on a dark background (most terminals): light modules are drawn as blocks.
    Dark,
    /// Dark text on a light background: dark modules are drawn as blocks.
    Light,
}

/// Square 8-bit grey image: 0 is a dark module, 255 a light one; quiet zone included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LumaImage {
    /// Width and height in pixels.
    pub size: u32,
    /// `size × size` pixels, row by row.
    pub pixels: Vec<u8>,
}

impl Qr {
    /// The smallest QR code at level M that holds `text` (any text: payloads, share-link URLs).
    /// Text made only of QR alphanumeric characters is encoded in the compact alphanumeric mode.
    pub fn fit(text: &str) -> Result<Self, QrTooLarge> {
        QrCode::with_error_correction_level(text, EcLevel::M)
            .map(Self)
            .map_err(|_| QrTooLarge { len: text.len() })
    }

    /// The QR version, 1 (21×21 modules) to 40 (177×177).
    #[must_use]
    pub fn version(&self) -> i16 {
        match self.0.version() {
            qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
        }
    }

    /// An SVG document, black on white, at least `min_px` pixels wide.
    #[must_use]
    pub fn to_svg(&self, min_px: u32) -> String {
        self.0
            .render::<svg::Color<'_>>()
            .min_dimensions(min_px, min_px)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build()
    }

    /// Lines of Unicode half blocks (two modules per character cell), quiet zone included.
    #[must_use]
    pub fn to_terminal(&self, background: TerminalBackground) -> String {
        let (dark, light) = match background {
            TerminalBackground::Dark => (unicode::Dense1x2::Light, unicode::Dense1x2::Dark),
            TerminalBackground::Light => (unicode::Dense1x2::Dark, unicode::Dense1x2::Light),
        };
        self.0
            .render::<unicode::Dense1x2>()
            .dark_color(dark)
            .light_color(light)
            .build()
    }

    /// Grey pixels with `module_px` pixels per module, for PNG files and decoders.
    #[must_use]
    pub fn to_luma(&self, module_px: u32) -> LumaImage {
        let modules = self.0.width();
        let colors = self.0.to_colors();
        let px = usize::try_from(module_px.max(1)).unwrap_or(1);
        let zone = usize::try_from(QUIET_ZONE).unwrap_or(4);
        let side = (modules + 2 * zone) * px;
        let mut pixels = vec![255u8; side * side];
        for (index, color) in colors.iter().enumerate() {
            if *color == Color::Dark {
                let (row, col) = (index / modules + zone, index % modules + zone);
                for y in row * px..(row + 1) * px {
                    pixels[y * side + col * px..y * side + (col + 1) * px].fill(0);
                }
            }
        }
        LumaImage {
            size: u32::try_from(side).unwrap_or(u32::MAX),
            pixels,
        }
    }
}
