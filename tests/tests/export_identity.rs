//! `rugzak export-identity` writes the vault's X25519 secret encrypted with the passphrase
//! (age scrypt) unless `--unencrypted` says otherwise; stock `rage -d -i FILE` opens an export
//! with either. rage asks for the passphrase of an encrypted identity file through pinentry: the
//! test hands it a stand-in (`PINENTRY_PROGRAM`) that answers the Assuan protocol.

#![allow(clippy::unwrap_used, reason = "tests")]

#[allow(dead_code, reason = "each test binary uses its own part of the cast")]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::Stage;
use tests::PASSPHRASE;

/// A pinentry that answers every `GETPIN` with `$PIN`.
const PINENTRY: &str = r#"#!/bin/sh
echo "OK Pleased to meet you"
while IFS= read -r line; do
  case "$line" in
    GETPIN*) printf 'D %s\nOK\n' "$PIN" ;;
    BYE*) echo "OK closing connection"; exit 0 ;;
    *) echo "OK" ;;
  esac
done
"#;

fn pinentry(dir: &Path) -> PathBuf {
    let path = dir.join("pinentry.sh");
    std::fs::write(&path, PINENTRY).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    path
}

/// Stock `rage -d -i identity file`, typing `pin` when asked for a passphrase.
fn rage(identity: &Path, file: &Path, pinentry: &Path, pin: &str) -> Output {
    Command::new("rage")
        .arg("-d")
        .arg("-i")
        .arg(identity)
        .arg(file)
        .env("PINENTRY_PROGRAM", pinentry)
        .env("PIN", pin)
        .output()
        .expect("the `rage` binary on PATH (cargo install rage --locked)")
}

#[test]
fn the_identity_file_is_passphrase_protected_and_opens_exports_with_stock_rage() {
    let stage = Stage::start();
    let dir = stage.dir.path();
    let annelies = stage.person("annelies");
    let _ = annelies.json(&["init"]);
    let _ = annelies.ok(&["note", "add", "exporteer mij"]);
    let export = dir.join("rugzak.age");
    let identity = dir.join("identity.age");
    let _ = annelies.ok(&["export", "--out", &export.display().to_string()]);
    let written = annelies.json(&["export-identity", "--out", &identity.display().to_string()]);
    assert_eq!(written["encrypted"], true);

    // An age file with one scrypt stanza; the secret key is not in it as text.
    let bytes = std::fs::read(&identity).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1\n-> scrypt "));
    assert!(!String::from_utf8_lossy(&bytes).contains("AGE-SECRET-KEY"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&identity).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Inside: the identity file as before.
    let pass = age::secrecy::SecretString::from(PASSPHRASE.to_owned());
    let inner = age::decrypt(&age::scrypt::Identity::new(pass), &bytes).unwrap();
    let inner = String::from_utf8(inner).unwrap();
    assert!(
        inner
            .lines()
            .any(|l| l.starts_with("AGE-SECRET-KEY-1") && !l.contains(' ')),
        "one secret key line"
    );

    let pin = pinentry(dir);
    let opened = rage(&identity, &export, &pin, PASSPHRASE);
    assert!(opened.status.success(), "{}", tests::text(&opened));
    let json: serde_json::Value = serde_json::from_slice(&opened.stdout).unwrap();
    assert_eq!(json["items"][0]["body"], "exporteer mij");

    let wrong = rage(&identity, &export, &pin, "fout");
    assert!(!wrong.status.success(), "{}", tests::text(&wrong));
    assert!(wrong.stdout.is_empty());
}

#[test]
fn an_unencrypted_identity_file_needs_the_flag_and_comes_with_a_warning() {
    let stage = Stage::start();
    let annelies = stage.person("annelies");
    let _ = annelies.json(&["init"]);
    let identity = stage.dir.path().join("identity.txt");
    let out = annelies.run(&[
        "export-identity",
        "--unencrypted",
        "--out",
        &identity.display().to_string(),
    ]);
    assert!(out.status.success(), "{}", tests::text(&out));
    let warning = String::from_utf8_lossy(&out.stderr);
    assert!(
        warning.contains("LET OP") && !warning.contains("WARNING"),
        "{warning}"
    );
    let text = std::fs::read_to_string(&identity).unwrap();
    assert!(text.lines().any(|l| l.starts_with("AGE-SECRET-KEY-1")));
}
