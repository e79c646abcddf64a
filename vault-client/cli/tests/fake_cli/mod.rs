//! One person running the real `rugzak` binary against the fake server over HTTP, with a home
//! directory in a temporary folder that also holds the files the test hands to the CLI.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// Passphrase of the person's home.
const PASSPHRASE: &str = "p";

/// A home directory `annelies` in a temporary folder, used through `rugzak` with [`PASSPHRASE`].
pub struct Person {
    server: String,
    /// The temporary folder holding the home and the test's files.
    pub dir: tempfile::TempDir,
    home: PathBuf,
}

impl Person {
    /// A person without a vault yet, using `server`.
    pub fn using(server: String) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("annelies");
        Self { server, dir, home }
    }

    /// A person without a vault yet, using a fresh fake server.
    pub fn new() -> Self {
        Self::using(crate::fake::http::spawn())
    }

    /// A person who has created a vault on a fresh fake server.
    pub fn with_vault() -> Self {
        let person = Self::new();
        let _ = person.ok(&["init"]);
        person
    }

    /// `name` in the temporary folder.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `rugzak --server URL --home HOME args...`, asked for `passphrase`.
    fn command(&self, passphrase: &str, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_rugzak"));
        command
            .arg("--server")
            .arg(&self.server)
            .arg("--home")
            .arg(&self.home)
            .args(args)
            .env("RUGZAK_PASSPHRASE", passphrase)
            .env("RUGZAK_SCRYPT_WORK_FACTOR", "10");
        command
    }

    /// Runs `rugzak args...` with `passphrase`.
    pub fn run_with_passphrase(&self, passphrase: &str, args: &[&str]) -> Output {
        self.command(passphrase, args).output().unwrap()
    }

    /// Runs `rugzak args...`.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_passphrase(PASSPHRASE, args)
    }

    /// Runs `rugzak args...` typing `input` at its prompts.
    pub fn run_typing(&self, args: &[&str], input: &str) -> Output {
        let mut child = self
            .command(PASSPHRASE, args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    /// Runs `rugzak args...` and asserts success; returns stdout and stderr as text.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        text(&out)
    }

    /// Runs `rugzak --json args...` and asserts success; returns the parsed stdout.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.run(&[&["--json"], args].concat());
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

/// stdout and stderr of `out` as one text.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
