//! The `rugzak` commands: parse, load the keystore, call the library, print.

mod args;
mod demo;
mod owner;
mod pro;
mod qr;
mod quest;

use std::io::IsTerminal as _;
use std::path::PathBuf;

use age::secrecy::SecretString;
use crypto::Identity;
use vault_client::keystore::PASSPHRASE_ENV;
use vault_client::{time, Api, Home, State, UreqTransport};

pub use args::Cli;
use args::Command;

/// Default server when none is given.
const DEFAULT_SERVER: &str = "http://127.0.0.1:8080";

/// Anything a command can fail with; each says what happened and what to do.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Keystore problems.
    #[error(transparent)]
    Keystore(#[from] vault_client::KeystoreError),
    /// Server calls.
    #[error("{}", api_text(.0))]
    Api(#[from] vault_client::ApiError),
    /// Vault operations.
    #[error("{}", vault_text(.0))]
    Vault(#[from] vault_client::VaultError),
    /// Professional operations.
    #[error("{}", pro_text(.0))]
    Professional(#[from] vault_client::ProfessionalError),
    /// The consent log.
    #[error(transparent)]
    Log(#[from] vault_client::consent::LogError),
    /// A QR code or its text.
    #[error("{0}")]
    Qr(String),
    /// Wrong use of the command.
    #[error("{0}")]
    Usage(String),
    /// Files.
    #[error("kan {path} niet lezen of schrijven / cannot read or write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

fn api_text(err: &vault_client::ApiError) -> String {
    use vault_client::ApiError;
    match err {
        ApiError::Unreachable(u) => format!(
            "kan de server {} niet bereiken / cannot reach the server {} ({}): is it running? check --server",
            u.server, u.server, u.reason
        ),
        ApiError::Refused { code, message, .. } => refusal_text(code, message),
        other => other.to_string(),
    }
}

/// Dutch first, English second, with what to do, for the refusals people meet.
fn refusal_text(code: &str, message: &str) -> String {
    let dutch = match code {
        "grant_revoked" => "de inwoner heeft de toestemming ingetrokken; vraag opnieuw toegang",
        "grant_expired" => "de toestemming is verlopen; vraag opnieuw toegang",
        "grant_not_yet_valid" => "de toestemming is nog niet geldig",
        "no_grant" => "je hebt geen toestemming voor deze rugzak; vraag eerst toegang",
        "scope_not_granted" => "daarvoor is geen toestemming gegeven",
        "append_only" => "je mag alleen toevoegen, niet lezen",
        "request_not_found" => {
            "het verzoek bestaat niet (meer) of is verlopen; vraag een nieuwe QR-code"
        }
        "request_expired" => "het verzoek is verlopen; vraag een nieuwe QR-code",
        "unknown_key" => {
            "de server kent deze sleutel niet; gebruik `rugzak init` of `rugzak recover`"
        }
        "link_not_found" => {
            "deze link bestaat niet, is verlopen, opgebruikt of ingetrokken; vraag een nieuwe"
        }
        "wrong_passcode" => "verkeerde toegangscode; na 5 fouten werkt de link niet meer",
        "clock_skew" => {
            "de klok van deze computer loopt niet gelijk met de server; zet de tijd goed"
        }
        _ => "de server weigerde het verzoek",
    };
    format!("{dutch} / {message} ({code})")
}

fn vault_text(err: &vault_client::VaultError) -> String {
    match err {
        vault_client::VaultError::Api(api) => api_text(api),
        other => other.to_string(),
    }
}

fn pro_text(err: &vault_client::ProfessionalError) -> String {
    match err {
        vault_client::ProfessionalError::Api(api) => api_text(api),
        vault_client::ProfessionalError::Vault(v) => vault_text(v),
        other => other.to_string(),
    }
}

/// What every command needs: where the keystore is and how to print.
#[derive(Debug, Clone)]
pub struct Ctx {
    home: Home,
    server: Option<String>,
    json: bool,
}

/// An opened keystore with its identity and a transport to its server.
pub struct Session {
    state: State,
    passphrase: SecretString,
    identity: Identity,
    transport: UreqTransport,
}

impl Session {
    fn api(&self) -> Api<'_> {
        Api::new(&self.transport, &self.identity, &time::now)
    }
}

impl Ctx {
    fn new(cli: &Cli) -> Self {
        let home = cli.home.clone().unwrap_or_else(|| {
            std::env::var_os("HOME")
                .map_or_else(|| PathBuf::from("."), PathBuf::from)
                .join(".rugzak")
        });
        Self {
            home: Home::new(home),
            server: cli.server.clone(),
            json: cli.json,
        }
    }

    fn server(&self) -> String {
        self.server
            .clone()
            .unwrap_or_else(|| DEFAULT_SERVER.to_owned())
    }

    /// The passphrase from `RUGZAK_PASSPHRASE`, else asked on the terminal.
    fn passphrase(&self, confirm: bool) -> Result<SecretString, CliError> {
        if let Ok(text) = std::env::var(PASSPHRASE_ENV) {
            return Ok(SecretString::from(text));
        }
        if !std::io::stdin().is_terminal() {
            return Err(vault_client::KeystoreError::NoPassphrase.into());
        }
        let io = |source| CliError::Io {
            path: PathBuf::from("/dev/tty"),
            source,
        };
        let first = rpassword::prompt_password("Wachtwoord / passphrase: ").map_err(io)?;
        if confirm {
            let again = rpassword::prompt_password("Nogmaals / again: ").map_err(io)?;
            if again != first {
                return Err(CliError::Usage(
                    "de wachtwoorden verschillen / the passphrases differ; try again".into(),
                ));
            }
        }
        Ok(SecretString::from(first))
    }

    fn open(&self) -> Result<Session, CliError> {
        if !self.home.exists() {
            return Err(vault_client::KeystoreError::Missing(self.home.dir().to_path_buf()).into());
        }
        let passphrase = self.passphrase(false)?;
        let state = self.home.load(&passphrase)?;
        let identity = state.identity();
        let transport = UreqTransport::new(&state.server);
        Ok(Session {
            state,
            passphrase,
            identity,
            transport,
        })
    }

    fn save(&self, session: &Session) -> Result<(), CliError> {
        Ok(self.home.save(&session.state, &session.passphrase)?)
    }

    /// Prints `human` as text, or `json` with `--json`.
    fn emit(&self, human: impl FnOnce() -> String, json: serde_json::Value) {
        if self.json {
            println!("{json}");
        } else {
            println!("{}", human());
        }
    }
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> Result<(), CliError> {
    let ctx = Ctx::new(&cli);
    match cli.command {
        Command::Init(a) => owner::init(&ctx, a),
        Command::Recover(a) => owner::recover(&ctx, a),
        Command::Note(c) => owner::note(&ctx, c),
        Command::List => owner::list(&ctx, None),
        Command::Show { item } => owner::show(&ctx, &item),
        Command::Request(a) => pro::request(&ctx, a),
        Command::Wait { reference, timeout } => pro::wait(&ctx, &reference, timeout),
        Command::Grant(a) => owner::grant(&ctx, a),
        Command::Grants => owner::grants(&ctx),
        Command::Revoke { grant } => owner::revoke(&ctx, &grant),
        Command::Read { vault } => pro::read(&ctx, vault.as_deref()),
        Command::Append(a) => pro::append(&ctx, a),
        Command::Log { from, to } => owner::log(&ctx, from.as_deref(), to.as_deref()),
        Command::ShareLink(a) => match a.command {
            Some(args::ShareLinkCommand::Revoke { link }) => owner::revoke_link(&ctx, &link),
            None => owner::share_link(&ctx, a),
        },
        Command::OpenLink { url, passcode } => owner::open_link(&ctx, &url, passcode.as_deref()),
        Command::Export(a) => owner::export(&ctx, a),
        Command::ExportIdentity { out } => owner::export_identity(&ctx, &out),
        Command::Vragenlijst(c) => quest::run(&ctx, c),
        Command::Programma(c) => quest::programme(&ctx, c),
        Command::Demo { dir } => demo::run(&ctx, dir),
    }
}

/// Finds the one id among `ids` that starts with `prefix`.
fn resolve<T: Copy + std::fmt::Display>(
    what: &str,
    prefix: &str,
    ids: impl IntoIterator<Item = T>,
) -> Result<T, CliError> {
    let matches: Vec<T> = ids
        .into_iter()
        .filter(|id| id.to_string().starts_with(prefix))
        .collect();
    match matches.as_slice() {
        [one] => Ok(*one),
        [] => Err(CliError::Usage(format!(
            "geen {what} met id {prefix} / no {what} with id {prefix}"
        ))),
        _ => Err(CliError::Usage(format!(
            "meerdere {what}s beginnen met {prefix} / several {what}s start with {prefix}: give more characters"
        ))),
    }
}
