//! Shared helpers for the end-to-end tests: build and locate the real binaries, start a
//! `vault-server` on a free 127.0.0.1 port with a temporary data directory, and run `rugzak`
//! as a given person.
//!
//! Binaries: `CARGO_BIN_EXE_*` only exists for a crate's own binaries, so [`bin`] runs
//! `cargo build --locked -p vault-server -p rugzak-cli --bins` once per test process (a no-op when
//! fresh; cargo has released its lock by the time tests run) and takes the binaries from the
//! same target directory and profile as the running test executable.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub mod hostile;

/// Passphrase of every test home.
pub const PASSPHRASE: &str = "correct paard batterij nietje";

/// This crate's directory (`<workspace>/tests`) in the checkout under test. Read when the test
/// runs (cargo sets `CARGO_MANIFEST_DIR` for it), not baked in when it is built: cargo may reuse
/// a test binary built in another checkout, whose directory may be gone.
///
/// # Panics
/// When not run by `cargo test` (the variable is missing).
#[must_use]
pub fn crate_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .expect("CARGO_MANIFEST_DIR is set by `cargo test`: run the tests through cargo")
        .into()
}

/// The directory holding the binaries (e.g. `target/debug`), after building them once.
///
/// # Panics
/// When the build fails: the end-to-end tests cannot run without the binaries.
pub fn bin_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let exe = std::env::current_exe().expect("test executable path");
        // target/<profile>/deps/<test> → target/<profile>
        let dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("test executable inside target/<profile>/deps")
            .to_path_buf();
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let workspace = crate_dir().join("..");
        let mut build = Command::new(cargo);
        build.current_dir(&workspace).args([
            "build",
            "--locked",
            "-p",
            "vault-server",
            "-p",
            "rugzak-cli",
            "--bins",
        ]);
        if dir.file_name().is_some_and(|p| p == "release") {
            build.arg("--release");
        }
        // The test process carries cargo's per-crate variables (CARGO_PKG_*, ...); build
        // scripts that watch them would rebuild (ring does), so the inner build starts clean.
        for (key, _) in std::env::vars_os() {
            let key_text = key.to_string_lossy();
            if key_text.starts_with("CARGO_") && key_text != "CARGO_HOME" {
                build.env_remove(&key);
            }
        }
        if let Some(target) = dir.parent() {
            build.env("CARGO_TARGET_DIR", target);
        }
        let status = build.status().expect("run cargo build");
        assert!(status.success(), "building the binaries failed");
        dir
    })
}

/// Path of the binary `name`.
#[must_use]
pub fn bin(name: &str) -> PathBuf {
    bin_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// A running `vault-server`, killed on drop.
#[derive(Debug)]
pub struct Server {
    child: Child,
    /// Base URL, `http://127.0.0.1:PORT`.
    pub url: String,
    port: u16,
    data: tempfile::TempDir,
}

impl Server {
    /// Starts the server on a free port with a fresh data directory and waits for `/healthz`.
    ///
    /// # Panics
    /// When the server does not come up within 30 seconds.
    #[must_use]
    pub fn start() -> Self {
        let data = tempfile::tempdir().expect("data dir");
        Self::spawn(data, free_port(), 0)
    }

    /// Stops the server and starts it again on the same port and data, its clock shifted by
    /// `offset` seconds (the binary's hidden `RUGZAK_CLOCK_OFFSET_SECONDS`, for expiry tests).
    ///
    /// # Panics
    /// When the server does not come back.
    #[must_use]
    pub fn restart_at(mut self, offset: i64) -> Self {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let port = self.port;
        let data = std::mem::replace(&mut self.data, tempfile::tempdir().expect("dir"));
        drop(self);
        Self::spawn(data, port, offset)
    }

    /// Stops the server, calls `f` with its store directory, and starts it again on the same
    /// port and data (e.g. to change what it keeps on disk).
    ///
    /// # Panics
    /// When the server does not come back.
    #[must_use]
    pub fn while_stopped<T>(mut self, f: impl FnOnce(&Path) -> T) -> (Self, T) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let out = f(&self.data.path().join("store"));
        let port = self.port;
        let data = std::mem::replace(&mut self.data, tempfile::tempdir().expect("dir"));
        drop(self);
        (Self::spawn(data, port, 0), out)
    }

    /// This server (restarted on its data) and a second one on another port over a copy of
    /// its data made with `vault-server backup`: the same keys, vaults and logs so far, each
    /// going its own way from here.
    ///
    /// # Panics
    /// When the backup fails or a server does not come up.
    #[must_use]
    pub fn fork(self) -> (Self, Self) {
        let copy = tempfile::tempdir().expect("data dir");
        let out = copy.path().join("store");
        let (this, status) = self.while_stopped(|store| {
            Command::new(bin("vault-server"))
                .arg("backup")
                .arg("--data-dir")
                .arg(store)
                .arg("--out")
                .arg(&out)
                .stdout(Stdio::null())
                .status()
                .expect("run vault-server backup")
        });
        assert!(status.success(), "vault-server backup failed");
        (this, Self::spawn(copy, free_port(), 0))
    }

    fn spawn(data: tempfile::TempDir, port: u16, offset: i64) -> Self {
        let url = format!("http://127.0.0.1:{port}");
        let binary = bin("vault-server");
        assert!(
            binary.exists(),
            "{} was not built: the end-to-end tests need the vault-server binary",
            binary.display()
        );
        let child = Command::new(binary)
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            // WebAuthn wants a domain name, not an IP address, for the web origin.
            .arg("--public-url")
            .arg(format!("http://localhost:{port}"))
            .arg("--data-dir")
            .arg(data.path().join("store"))
            .args(["--cache-mb", "8"])
            .env("RUGZAK_CLOCK_OFFSET_SECONDS", offset.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start vault-server");
        let server = Self {
            child,
            url,
            port,
            data,
        };
        let start = Instant::now();
        while !healthy(port) {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "vault-server did not answer /healthz"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn healthy(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200")
}

/// One person's `rugzak` with its own home directory.
#[derive(Debug, Clone)]
pub struct Person {
    /// The home directory.
    pub home: PathBuf,
    server: String,
}

impl Person {
    /// A person with home `home` using `server`.
    #[must_use]
    pub fn new(home: PathBuf, server: &str) -> Self {
        Self {
            home,
            server: server.to_owned(),
        }
    }

    /// Runs `rugzak --home HOME --server URL args...` with the test passphrase.
    ///
    /// # Panics
    /// When the binary cannot be started.
    #[must_use]
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_at(0, args)
    }

    /// [`Self::run`] typing `input` at its prompts (stdin), as a person at a terminal would.
    ///
    /// # Panics
    /// When the binary cannot be started or fed.
    #[must_use]
    pub fn typing(&self, args: &[&str], input: &str) -> Output {
        let mut child = Command::new(bin("rugzak"))
            .arg("--home")
            .arg(&self.home)
            .arg("--server")
            .arg(&self.server)
            .args(args)
            .env("RUGZAK_PASSPHRASE", PASSPHRASE)
            .env("RUGZAK_SCRYPT_WORK_FACTOR", "10")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run rugzak");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("type into rugzak");
        child.wait_with_output().expect("rugzak output")
    }

    /// [`Self::run`] with the client's clock shifted by `offset` seconds.
    ///
    /// # Panics
    /// When the binary cannot be started.
    #[must_use]
    pub fn run_at(&self, offset: i64, args: &[&str]) -> Output {
        Command::new(bin("rugzak"))
            .env("RUGZAK_CLOCK_OFFSET_SECONDS", offset.to_string())
            .arg("--home")
            .arg(&self.home)
            .arg("--server")
            .arg(&self.server)
            .args(args)
            .env("RUGZAK_PASSPHRASE", PASSPHRASE)
            .env("RUGZAK_SCRYPT_WORK_FACTOR", "10")
            .output()
            .expect("run rugzak")
    }

    /// Runs with `--json` and returns the parsed stdout.
    ///
    /// # Panics
    /// When the command fails or does not print JSON.
    #[must_use]
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        assert!(
            out.status.success(),
            "rugzak {args:?} failed:\n{}",
            text(&out)
        );
        serde_json::from_slice(&out.stdout).expect("JSON output")
    }

    /// Runs and asserts success; returns stdout and stderr as text.
    ///
    /// # Panics
    /// When the command fails.
    #[must_use]
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "rugzak {args:?} failed:\n{}",
            text(&out)
        );
        text(&out)
    }

    /// Runs and asserts failure; returns stdout and stderr as text.
    ///
    /// # Panics
    /// When the command succeeds.
    #[must_use]
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            !out.status.success(),
            "rugzak {args:?} should fail:\n{}",
            text(&out)
        );
        text(&out)
    }
}

/// stdout and stderr of `out` as one text.
#[must_use]
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
