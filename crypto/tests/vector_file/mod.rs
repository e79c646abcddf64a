//! Where the vector files are, and the stored-versus-generated check shared by vector tests
//! whose files the code writes in full.

#![allow(
    dead_code,
    reason = "each test crate uses a different part of this module"
)]

use std::path::{Path, PathBuf};

/// `spec/vectors/<name>` of the checkout under test. The crate directory is read when the test
/// runs (cargo sets `CARGO_MANIFEST_DIR` for it), not baked in when it is built: cargo may
/// reuse a test binary built in another checkout, whose directory may be gone.
pub fn path(name: &str) -> PathBuf {
    let crate_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .expect("CARGO_MANIFEST_DIR is set by `cargo test`: run the tests through cargo");
    Path::new(&crate_dir).join("../spec/vectors").join(name)
}

/// Fails, naming the first differing line, when the file at `path` is not exactly `generated`.
/// With `RUGZAK_REGENERATE_VECTORS` set it first writes `generated` there (a deliberate format
/// change only).
pub fn assert_stored_equals_generated(path: &Path, generated: &str) {
    if std::env::var_os("RUGZAK_REGENERATE_VECTORS").is_some() {
        std::fs::write(path, generated).expect("write vector file");
    }
    let stored = std::fs::read_to_string(path).expect("vector file exists");
    let first_difference = stored
        .lines()
        .zip(generated.lines())
        .position(|(a, b)| a != b)
        .or_else(|| {
            (stored != generated).then(|| stored.lines().count().min(generated.lines().count()))
        });
    if let Some(line) = first_difference {
        panic!(
            "{} differs from what the code produces, first at line {}:\n  \
             stored:    {}\n  generated: {}",
            path.display(),
            line + 1,
            stored.lines().nth(line).unwrap_or("<end>"),
            generated.lines().nth(line).unwrap_or("<end>"),
        );
    }
}
