//! Snapshot tests of the `rugzak` help texts and of the errors people meet: wrong
//! passphrase, unreadable QR image, expired request, server unreachable. None needs a
//! server. Refresh the snapshots after a deliberate change with `TRYCMD=overwrite`.

#[test]
fn cli_snapshots() {
    trycmd::TestCases::new()
        .register_bin("rugzak", tests::bin("rugzak"))
        .case(tests::crate_dir().join("tests/cmd/*.toml"));
}
