//! The stored-versus-generated check shared by vector tests whose files the code writes in full.

/// Fails, naming the first differing line, when the file at `path` is not exactly `generated`.
/// With `RUGZAK_REGENERATE_VECTORS` set it first writes `generated` there (a deliberate format
/// change only).
pub fn assert_stored_equals_generated(path: &str, generated: &str) {
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
            "{path} differs from what the code produces, first at line {}:\n  \
             stored:    {}\n  generated: {}",
            line + 1,
            stored.lines().nth(line).unwrap_or("<end>"),
            generated.lines().nth(line).unwrap_or("<end>"),
        );
    }
}
