//! The end-to-end tests find this checkout's files through a path read when they run, never one
//! baked in when they were built: cargo reuses a test binary built in another checkout with the
//! same sources (a shared build cache), and that checkout may be gone.

#![allow(clippy::unwrap_used, reason = "tests")]

#[test]
fn paths_are_those_of_the_checkout_under_test() {
    let dir = tests::crate_dir().canonicalize().unwrap();
    let cwd = std::env::current_dir().unwrap().canonicalize().unwrap();
    assert_eq!(
        dir, cwd,
        "cargo runs a test in its crate's directory and names the same one"
    );
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"tests\""), "{manifest}");
    for file in [
        "tests/cmd/help.toml",
        "tests/cmd/fixtures/home/keystore.age",
        "../Cargo.lock",
        "../spec/vectors/log.json",
    ] {
        assert!(
            dir.join(file).exists(),
            "{file} missing under {}",
            dir.display()
        );
    }
}
