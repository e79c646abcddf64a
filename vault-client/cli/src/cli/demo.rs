//! `rugzak demo`: the Annelies journey, step by step, through the very same commands a
//! person types (parsed and run in this process), against a running server.

use pollster::FutureExt as _;
use std::path::{Path, PathBuf};

use crate::keystore::PASSPHRASE_ENV;
use clap::Parser as _;
use vault_client::{Api, Owner};

use crate::keystore::Home;
use crate::time;
use crate::ureq_transport::UreqTransport;

use super::{CliError, Ctx};

/// Passphrase of the demo homes when none is set.
const DEMO_PASSPHRASE: &str = "demo-wachtwoord";

pub fn run(ctx: &Ctx, dir: Option<PathBuf>) -> Result<(), CliError> {
    if std::env::var_os(PASSPHRASE_ENV).is_none() {
        std::env::set_var(PASSPHRASE_ENV, DEMO_PASSPHRASE);
    }
    // Throw-away homes: a light scrypt keeps the demo quick (a program choice, not a knob).
    crate::keystore::set_throwaway_work_factor(12);
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
        server: ctx.server()?,
        json: ctx.json,
        lang: ctx.lang(),
    };
    demo.play()
}

struct Demo {
    root: PathBuf,
    server: String,
    json: bool,
    lang: rugzak_i18n::Lang,
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
        argv.push("--lang".into());
        argv.push(self.lang.tag().into());
        argv.extend(args.iter().map(|a| (*a).to_owned()));
        println!("$ rugzak {}   [{who}]", args.join(" "));
        let cli = super::Cli::try_parse_from(argv)
            .map_err(|e| CliError::Usage(format!("internal error: demo arguments: {e}")))?;
        super::run(cli)
    }

    fn step(&self, n: u32) {
        let t = rugzak_i18n::Texts::global(self.lang);
        let text = t.get(&format!("demo-loop-{n}"));
        println!(
            "\n== {} ==",
            t.fmt(
                "demo-step",
                &[("number", i64::from(n).into()), ("text", text.into())]
            )
        );
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
        let mut state = Home::new(self.home("annelies")).load(&pass)?;
        let identity = state.identity();
        let transport = UreqTransport::new(&state.server);
        let api = Api::new(&transport, &identity, &time::now);
        Owner::new(&api, &identity)
            .grants(&mut state)
            .block_on()?
            .into_iter()
            .find(|g| g.grant.grant.grantee == grantee && g.revoked.is_none())
            .map(|g| g.grant.grant.id.to_string())
            .ok_or_else(|| CliError::Usage("demo: grant not found".into()))
    }

    fn play(&self) -> Result<(), CliError> {
        let t = rugzak_i18n::Texts::global(self.lang);
        println!(
            "{}",
            t.fmt("demo-title", &[("server", self.server.as_str().into())])
        );
        println!(
            "{}",
            t.fmt(
                "demo-homes",
                &[("path", self.root.display().to_string().into())]
            )
        );

        self.step(1);
        self.rugzak("annelies", &["init", "--name", "Annelies"])?;
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

        self.step(2);
        let answers = self.root.join("pss-antwoorden.json");
        write(
            &answers,
            r#"{"pss-1":"3","pss-2":"3","pss-3":"4","pss-4":"1","pss-5":"1","pss-6":"3","pss-7":"2","pss-8":"1","pss-9":"3","pss-10":"3"}"#,
        )?;
        let answers = answers.display().to_string();
        self.rugzak(
            "annelies",
            &["vragenlijst", "fill", "pss-10", "--answers", &answers],
        )?;
        self.rugzak(
            "annelies",
            &[
                "note",
                "add",
                "Sinds mijn man overleed slaap ik slecht en zie ik weinig mensen.",
            ],
        )?;

        self.step(3);
        self.ask_and_grant(
            "huisarts",
            &[
                "--read",
                "vragenlijsten,notities,intake,terugkoppeling",
                "--append",
                "verwijzing",
                "--days",
                "30",
            ],
        )?;
        let vault = self.vault_id()?;

        self.step(4);
        self.rugzak("huisarts", &["read", &vault])?;
        self.rugzak(
            "huisarts",
            &[
                "append",
                &vault,
                "--kind",
                "referral",
                "--to",
                "Welzijn Centraal",
                "--reason",
                "Veel stress en eenzaam sinds het overlijden van haar man. Slaapt slecht.",
                "--question",
                "Wilt u met haar zoeken naar contact en beweging in de wijk?",
                "--agreed",
                "De PSS-10, haar notities en deze verwijzing",
                "--contact",
                "Huisartsenpraktijk Centrum, 0320-123456",
            ],
        )?;

        self.step(5);
        self.ask_and_grant(
            "coach",
            &[
                "--read",
                "vragenlijsten,verwijzing",
                "--append",
                "intake,programmas,terugkoppeling",
                "--lifelong",
            ],
        )?;
        self.rugzak("coach", &["read", &vault])?;

        self.step(6);
        self.rugzak(
            "coach",
            &[
                "append",
                &vault,
                "--kind",
                "intake",
                "Intake: Annelies wil graag weer onder de mensen komen en meer bewegen. \
                 Zij kiest voor de wandelgroep en het programma over stress.",
            ],
        )?;

        self.step(7);
        self.rugzak("annelies", &["programma", "list"])?;
        self.rugzak("annelies", &["programma", "start", "stress"])?;
        let first = self.first_step("stress")?;
        self.rugzak("annelies", &["programma", "done", "stress", &first])?;
        self.rugzak("annelies", &["programma", "status"])?;

        self.step(8);
        self.rugzak(
            "coach",
            &[
                "append",
                &vault,
                "--kind",
                "activity",
                "--what",
                "Wandelgroep De Hoeve",
                "--where",
                "Buurthuis De Hoeve, Hoeveweg 2",
                "--when",
                "dinsdag 10:00",
                "--contact",
                "Karin de Boer, 06-12345678",
            ],
        )?;

        self.step(9);
        self.rugzak(
            "coach",
            &[
                "append",
                &vault,
                "--kind",
                "feedback",
                "Terugkoppeling aan dr. De Vries: Annelies loopt sinds drie weken mee met de \
                 wandelgroep en volgt het programma over stress. Zij slaapt iets beter. \
                 Wij spreken over zes weken weer af.",
            ],
        )?;
        self.rugzak("huisarts", &["read", &vault])?;

        self.step(10);
        self.rugzak("annelies", &["list"])?;
        self.rugzak("annelies", &["log"])?;

        self.step(11);
        let grant = self.grant_to("huisarts")?;
        self.rugzak("annelies", &["revoke", &grant])?;
        self.rugzak("annelies", &["grants"])?;

        self.step(12);
        let refused = match self.rugzak("huisarts", &["read", &vault]) {
            Ok(()) => {
                return Err(CliError::Usage(
                    "demo: the revoked GP could still read".into(),
                ))
            }
            Err(e) => e,
        };
        println!(
            "{}",
            t.fmt("demo-refused", &[("reason", refused.to_string().into())])
        );
        self.rugzak(
            "coach",
            &[
                "append",
                &vault,
                "--kind",
                "intake",
                "Gesprek na zes weken: het gaat beter.",
            ],
        )?;
        println!("\n{}", t.get("demo-done"));
        Ok(())
    }

    /// `who` requests `terms` by QR code; Annelies scans the image and grants; `who` waits
    /// (in the consulting room both compare the check code aloud; the demo answers for them).
    fn ask_and_grant(&self, who: &str, terms: &[&str]) -> Result<(), CliError> {
        let qr = self.root.join(format!("qr-{who}"));
        mkdir(&qr)?;
        let out = qr.display().to_string();
        let mut args = vec!["request"];
        args.extend_from_slice(terms);
        args.extend_from_slice(&["--out", &out]);
        self.rugzak(who, &args)?;
        let png = find_png(&qr)?;
        self.rugzak(
            "annelies",
            &["grant", "--image", &png.display().to_string(), "--yes"],
        )?;
        self.rugzak(who, &["wait", &reference(&png)?, "--yes"])
    }

    /// The id of the first step of programme `id`.
    fn first_step(&self, id: &str) -> Result<String, CliError> {
        let _ = self;
        questionnaires::Programme::builtin()
            .ok()
            .and_then(|list| list.into_iter().find(|p| p.id == id))
            .and_then(|p| p.modules.first()?.steps.first().map(|s| s.id.clone()))
            .ok_or_else(|| CliError::Usage(format!("demo: programme {id} has no steps")))
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

/// The request reference in the QR image at `png`, as `rugzak wait` takes it.
fn reference(png: &Path) -> Result<String, CliError> {
    match crypto::Payload::parse(&super::qr::decode_image(png)?) {
        Ok(crypto::Payload::RequestRef(r)) => Ok(r.nonce.to_string()),
        _ => Err(CliError::Qr(
            "demo: no request reference in the QR image".into(),
        )),
    }
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
