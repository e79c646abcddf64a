//! The set-up the end-to-end tests share: the real `vault-server` on 127.0.0.1 with a folder
//! for the homes of the people who use it, and the cast of the journey (Annelies with a vault,
//! her GP and a welfare coach) enrolled through the real `rugzak`.

use tests::{Person, Server};

/// A running server and a temporary folder for the homes and files of whoever uses it.
pub struct Stage {
    pub server: Server,
    pub dir: tempfile::TempDir,
}

impl Stage {
    pub fn start() -> Self {
        Self {
            server: Server::start(),
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// Someone with a fresh home `name` in the stage's folder, using its server.
    pub fn person(&self, name: &str) -> Person {
        Person::new(self.dir.path().join(name), &self.server.url)
    }

    /// The same stage with its server restarted on the same port and data, its clock moved
    /// `offset` seconds ahead; the homes stay.
    pub fn restart_at(self, offset: i64) -> Self {
        Self {
            server: self.server.restart_at(offset),
            ..self
        }
    }
}

/// Annelies with a new vault, and two professionals enrolled with their profiles.
pub struct Cast {
    pub stage: Stage,
    pub annelies: Person,
    pub gp: Person,
    pub coach: Person,
    /// Annelies's vault id.
    pub vault: String,
}

impl Cast {
    pub fn enrol() -> Self {
        let stage = Stage::start();
        let (annelies, gp, coach) = (
            stage.person("annelies"),
            stage.person("huisarts"),
            stage.person("coach"),
        );
        let vault = annelies.json(&["init"])["vault"]
            .as_str()
            .unwrap()
            .to_owned();
        let _ = gp.json(&[
            "init",
            "--role",
            "huisarts",
            "--name",
            "Dr. J. de Vries",
            "--org",
            "Praktijk Centrum",
        ]);
        let _ = coach.json(&[
            "init",
            "--role",
            "welzijnscoach",
            "--name",
            "Sanne Bakker",
            "--org",
            "Welzijn Centraal",
        ]);
        Self {
            stage,
            annelies,
            gp,
            coach,
            vault,
        }
    }

    /// `who` asks Annelies for `terms` (the options of `rugzak request`), writing the QR code
    /// into the stage's folder; returns what `request` printed (`qr_text`, `png`, `reference`).
    pub fn request(&self, who: &Person, terms: &[&str]) -> serde_json::Value {
        let name = who.home.file_name().unwrap().to_string_lossy();
        let out = self.stage.dir.path().join(format!("qr-{name}"));
        let out = out.display().to_string();
        let mut args = vec!["request", "--out", &out];
        args.extend_from_slice(terms);
        who.json(&args)
    }

    /// `who` requests `terms`; Annelies grants them by scanning the PNG, and `who` waits until
    /// the grant has arrived. Returns the grant id.
    pub fn grant_by_image(&self, who: &Person, terms: &[&str]) -> String {
        let request = self.request(who, terms);
        let png = request["png"].as_str().unwrap();
        assert!(std::path::Path::new(png).exists());
        let granted = self.annelies.json(&["grant", "--image", png, "--yes"]);
        let reference = request["reference"].as_str().unwrap();
        let waited = who.json(&["wait", reference, "--timeout", "20", "--yes"]);
        // Both screens show the same check code (spec grants.md, "Check code").
        assert_eq!(waited["check_code"], granted["check_code"]);
        assert!(granted["check_code"].is_string(), "{granted}");
        granted["grant"].as_str().unwrap().to_owned()
    }

    /// The same cast after [`Stage::restart_at`].
    pub fn restart_server_at(self, offset: i64) -> Self {
        Self {
            stage: self.stage.restart_at(offset),
            ..self
        }
    }
}
