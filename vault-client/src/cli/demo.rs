//! `rugzak demo`: the Annelies journey, step by step, through the very same commands a
//! person types (parsed and run in this process), against a running server.

use std::path::{Path, PathBuf};

use clap::Parser as _;
use vault_client::keystore::{PASSPHRASE_ENV, WORK_FACTOR_ENV};
use vault_client::{time, Api, Home, Owner, UreqTransport};

use super::{CliError, Ctx};

/// Passphrase of the demo homes when none is set.
const DEMO_PASSPHRASE: &str = "demo-wachtwoord";

pub fn run(ctx: &Ctx, dir: Option<PathBuf>) -> Result<(), CliError> {
    if std::env::var_os(PASSPHRASE_ENV).is_none() {
        std::env::set_var(PASSPHRASE_ENV, DEMO_PASSPHRASE);
    }
    if std::env::var_os(WORK_FACTOR_ENV).is_none() {
        // Throw-away homes: a light scrypt keeps the demo quick.
        std::env::set_var(WORK_FACTOR_ENV, "12");
    }
    let temp;
    let root = match dir {
        Some(d) => d,
        None => {
            temp = tempfile::tempdir().map_err(|source| CliError::Io {
                path: std::env::temp_dir(),
                source,
            })?;
            temp.path().to_path_buf()
        }
    };
    let demo = Demo {
        root: root.clone(),
        server: ctx.server(),
        json: ctx.json,
    };
    demo.play()
}

struct Demo {
    root: PathBuf,
    server: String,
    json: bool,
}

impl Demo {
    fn home(&self, who: &str) -> PathBuf {
        self.root.join(who)
    }

    /// Runs `rugzak --home <who> --server <server> args...`.
    fn rugzak(&self, who: &str, args: &[&str]) -> Result<(), CliError> {
        let home = self.home(who);
        let mut argv: Vec<String> = vec![
            "rugzak".into(),
            "--home".into(),
            home.display().to_string(),
            "--server".into(),
            self.server.clone(),
        ];
        if self.json {
            argv.push("--json".into());
        }
        argv.extend(args.iter().map(|a| (*a).to_owned()));
        println!("$ rugzak {}   [{who}]", args.join(" "));
        let cli = super::Cli::try_parse_from(argv)
            .map_err(|e| CliError::Usage(format!("internal error: demo arguments: {e}")))?;
        super::run(cli)
    }

    fn step(n: u32, text: &str) {
        println!("\n== Stap {n} / Step {n}: {text} ==");
    }

    fn vault_id(&self) -> Result<String, CliError> {
        let home = Home::new(self.home("annelies"));
        let pass =
            age::secrecy::SecretString::from(std::env::var(PASSPHRASE_ENV).unwrap_or_default());
        let state = home.load(&pass)?;
        Ok(state.identity().public().vault_id().to_string())
    }

    /// The id of Annelies' active grant to the party in home `who`.
    fn grant_to(&self, who: &str) -> Result<String, CliError> {
        let pass =
            age::secrecy::SecretString::from(std::env::var(PASSPHRASE_ENV).unwrap_or_default());
        let grantee = Home::new(self.home(who)).load(&pass)?.identity().public();
        let state = Home::new(self.home("annelies")).load(&pass)?;
        let identity = state.identity();
        let transport = UreqTransport::new(&state.server);
        let api = Api::new(&transport, &identity, &time::now);
        Owner::new(&api, &identity)
            .grants()?
            .into_iter()
            .find(|g| g.grant.grant.grantee == grantee && g.revoked.is_none())
            .map(|g| g.grant.grant.id.to_string())
            .ok_or_else(|| CliError::Usage("demo: grant not found".into()))
    }

    fn play(&self) -> Result<(), CliError> {
        println!(
            "Rugzak demo: de reis van Annelies / the Annelies journey (server {})",
            self.server
        );
        println!("homes: {}", self.root.display());

        Self::step(
            1,
            "Annelies, huisarts en coach maken hun sleutels / create their keys",
        );
        self.rugzak("annelies", &["init"])?;
        self.rugzak(
            "huisarts",
            &[
                "init",
                "--role",
                "huisarts",
                "--name",
                "Dr. J. de Vries",
                "--org",
                "Huisartsenpraktijk Centrum",
            ],
        )?;
        self.rugzak(
            "coach",
            &[
                "init",
                "--role",
                "welzijnscoach",
                "--name",
                "Sanne Bakker",
                "--org",
                "Welzijn Centraal",
            ],
        )?;

        Self::step(2, "Annelies vult de PSS-10 in en schrijft een notitie / fills in the PSS-10 and writes a note");
        let answers = self.root.join("pss-antwoorden.json");
        write(
            &answers,
            r#"{"pss-1":"3","pss-2":"3","pss-3":"4","pss-4":"1","pss-5":"1","pss-6":"3","pss-7":"2","pss-8":"1","pss-9":"3","pss-10":"3"}"#,
        )?;
        self.rugzak(
            "annelies",
            &[
                "vragenlijst",
                "fill",
                "pss-10",
                "--answers",
                &answers.display().to_string(),
            ],
        )?;
        self.rugzak(
            "annelies",
            &[
                "note",
                "add",
                "Sinds mijn man overleed slaap ik slecht en zie ik weinig mensen.",
            ],
        )?;

        Self::step(
            3,
            "De huisarts vraagt toegang met een QR-code / the GP requests access by QR code",
        );
        let gp_qr = self.root.join("qr-huisarts");
        mkdir(&gp_qr)?;
        self.rugzak(
            "huisarts",
            &[
                "request",
                "--scope",
                "vragenlijsten,notities",
                "--mode",
                "read",
                "--days",
                "30",
                "--out",
                &gp_qr.display().to_string(),
            ],
        )?;

        Self::step(
            4,
            "Annelies scant de QR-afbeelding en geeft toestemming / scans the QR image and grants",
        );
        let png = find_png(&gp_qr)?;
        self.rugzak(
            "annelies",
            &["grant", "--image", &png.display().to_string(), "--yes"],
        )?;

        let vault = self.vault_id()?;
        Self::step(5, "De huisarts leest de rugzak / the GP reads the vault");
        self.rugzak("huisarts", &["read", &vault])?;

        Self::step(
            6,
            "De coach krijgt levenslang toevoeg-recht / the coach gets lifelong append access",
        );
        let coach_qr = self.root.join("qr-coach");
        mkdir(&coach_qr)?;
        self.rugzak(
            "coach",
            &[
                "request",
                "--scope",
                "intake,terugkoppeling",
                "--mode",
                "append",
                "--lifelong",
                "--out",
                &coach_qr.display().to_string(),
            ],
        )?;
        let png = find_png(&coach_qr)?;
        self.rugzak(
            "annelies",
            &["grant", "--image", &png.display().to_string(), "--yes"],
        )?;
        self.rugzak(
            "coach",
            &[
                "append",
                &vault,
                "--kind",
                "intake",
                "Intake: Annelies wil graag weer onder de mensen komen; start wandelgroep.",
            ],
        )?;

        Self::step(
            7,
            "Annelies ziet haar rugzak en het log / sees her vault and the log",
        );
        self.rugzak("annelies", &["list"])?;
        self.rugzak("annelies", &["log"])?;

        Self::step(
            8,
            "Annelies trekt de toestemming van de huisarts in / revokes the GP's access",
        );
        let grant = self.grant_to("huisarts")?;
        self.rugzak("annelies", &["revoke", &grant])?;

        Self::step(
            9,
            "De huisarts probeert opnieuw te lezen / the GP tries to read again",
        );
        match self.rugzak("huisarts", &["read", &vault]) {
            Ok(()) => Err(CliError::Usage(
                "demo: the revoked GP could still read".into(),
            )),
            Err(e) => {
                println!("geweigerd, zoals verwacht / refused, as expected: {e}");
                println!("\nDemo klaar / demo done.");
                Ok(())
            }
        }
    }
}

fn write(path: &Path, text: &str) -> Result<(), CliError> {
    std::fs::write(path, text).map_err(|source| CliError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn mkdir(path: &Path) -> Result<(), CliError> {
    std::fs::create_dir_all(path).map_err(|source| CliError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// The one PNG a `request --out DIR` wrote.
fn find_png(dir: &Path) -> Result<PathBuf, CliError> {
    let io = |source| CliError::Io {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "png"))
        .ok_or_else(|| CliError::Qr("demo: no QR image written".into()))
}
