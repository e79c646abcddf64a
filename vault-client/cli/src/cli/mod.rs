//! The `rugzak` commands: parse, load the keystore, call the library, print.

mod args;
mod demo;
mod grants;
mod help;
mod owner;
mod pro;
mod qr;
mod quest;
mod render;

use std::io::IsTerminal as _;
use std::path::PathBuf;

use crate::keystore::PASSPHRASE_ENV;
use age::secrecy::SecretString;
use crypto::Identity;
use vault_client::{Api, State};

use crate::keystore::Home;
use crate::time;
use crate::ureq_transport::UreqTransport;

pub use args::Cli;
use args::Command;

/// Default server when none is given.
const DEFAULT_SERVER: &str = "http://127.0.0.1:8080";

/// Anything a command can fail with; each says what happened and what to do. Shown (its
/// `Display`) in the language of the running command, by stable code, with the code in
/// brackets at the end.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Keystore problems.
    #[error("{}", .0)]
    Keystore(#[from] crate::keystore::KeystoreError),
    /// Server calls.
    #[error("{}", api_text(texts(), .0))]
    Api(#[from] vault_client::ApiError),
    /// Vault operations.
    #[error("{}", vault_text(texts(), .0))]
    Vault(#[from] vault_client::VaultError),
    /// Professional operations.
    #[error("{}", pro_text(texts(), .0))]
    Professional(#[from] vault_client::ProfessionalError),
    /// The consent log.
    #[error("{}", log_text(texts(), .0))]
    Log(#[from] vault_client::consent::LogError),
    /// A QR code or its text (already in the chosen language).
    #[error("{0}")]
    Qr(String),
    /// Wrong use of the command (already in the chosen language).
    #[error("{0}")]
    Usage(String),
    /// A server URL this client does not talk to (plain http:// to another machine).
    #[error("{}", coded_with(texts(), vault_client::transport::INSECURE_SERVER, &[("server", .0.server.as_str().into())]))]
    Insecure(#[from] vault_client::transport::InsecureServer),
    /// Files.
    #[error("{}", coded_with(texts(), "io", &[("path", .path.display().to_string().into()), ("reason", .source.to_string().into())]))]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// The language of the command running in this process (set by [`Ctx::new`]): 0 Dutch, 1
/// English. Errors are shown after the command returns, in its language.
static LANG: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// The texts in the language of the running command (Dutch before any command ran).
pub fn texts() -> &'static rugzak_i18n::Texts {
    let lang = match LANG.load(std::sync::atomic::Ordering::Relaxed) {
        1 => rugzak_i18n::Lang::En,
        _ => rugzak_i18n::Lang::Nl,
    };
    rugzak_i18n::Texts::global(lang)
}

/// The text of a stable error code with the code in brackets: "Het wachtwoord klopt niet.
/// Probeer het opnieuw. (wrong_passphrase)". An unknown code already names itself.
pub fn coded(t: &rugzak_i18n::Texts, code: &str) -> String {
    coded_with(t, code, &[])
}

/// [`coded`] with arguments for the message (a path, a server address).
pub fn coded_with(
    t: &rugzak_i18n::Texts,
    code: &str,
    args: &[(&str, rugzak_i18n::Arg<'_>)],
) -> String {
    let id = format!("error-{}", code.replace('_', "-"));
    if t.has(&id) {
        format!("{} ({code})", t.fmt(&id, args))
    } else {
        t.error(code)
    }
}

fn api_text(t: &rugzak_i18n::Texts, err: &vault_client::ApiError) -> String {
    use vault_client::ApiError;
    match err {
        ApiError::Unreachable(u) => coded_with(
            t,
            "unreachable",
            &[
                ("server", u.server.as_str().into()),
                ("reason", u.reason.as_str().into()),
            ],
        ),
        ApiError::Refused { code, .. } => coded(t, code),
        ApiError::Malformed { .. } => coded(t, "malformed_response"),
        ApiError::Internal => coded(t, "internal"),
    }
}

fn log_text(t: &rugzak_i18n::Texts, err: &vault_client::consent::LogError) -> String {
    match err {
        vault_client::consent::LogError::Api(api) => api_text(t, api),
        other => coded(t, other.code()),
    }
}

fn vault_text(t: &rugzak_i18n::Texts, err: &vault_client::VaultError) -> String {
    use vault_client::VaultError;
    match err {
        VaultError::Api(api) => api_text(t, api),
        VaultError::Log(log) => log_text(t, log),
        // Too old: the text about an expired request, under the same code.
        VaultError::BadRequest(crypto::request::RequestError::Expired { .. }) => {
            format!("{} ({})", t.error("request_expired"), err.code())
        }
        // The grant or part is named so that the person can say which one when reporting it.
        VaultError::GrantWithheld(id) | VaultError::NoSuchGrant(id) => {
            coded_with(t, err.code(), &[("grant", id.to_string().into())])
        }
        VaultError::EpochWithheld { scope, .. } => coded_with(
            t,
            err.code(),
            &[("part", t.scope_inline(scope.as_str()).into())],
        ),
        other => coded(t, other.code()),
    }
}

fn pro_text(t: &rugzak_i18n::Texts, err: &vault_client::ProfessionalError) -> String {
    match err {
        vault_client::ProfessionalError::Api(api) => api_text(t, api),
        vault_client::ProfessionalError::Vault(v) => vault_text(t, v),
        other => coded(t, other.code()),
    }
}

/// Prints what the last command did on the way (stderr).
fn print_notices(t: &rugzak_i18n::Texts, state: &State) {
    for notice in &state.notices {
        eprintln!("{}", notice_text(t, notice));
    }
}

/// What the person should hear about what a command did on the way.
fn notice_text(t: &rugzak_i18n::Texts, notice: &vault_client::consent_state::Notice) -> String {
    use vault_client::consent_state::Notice;
    match notice {
        Notice::Rebuilt => t.get("notice-rebuilt"),
        Notice::RevokeSeen(id) => t.fmt("notice-revoke-seen", &[("grant", id.to_string().into())]),
        Notice::RevokeFinished(id) => t.fmt(
            "notice-revoke-finished",
            &[("grant", id.to_string().into())],
        ),
        Notice::Expired(id) => t.fmt("notice-expired", &[("grant", id.to_string().into())]),
        Notice::Rotated(scopes) => {
            let parts: Vec<String> = scopes.iter().map(|s| t.scope_inline(s.as_str())).collect();
            t.fmt("notice-rotated", &[("parts", t.join(&parts).into())])
        }
    }
}

/// The schema tag of a `--json` answer that names no more specific one.
pub const CLI_SCHEMA: &str = "rugzak-cli/1";

/// What every command needs: where the keystore is and how to print.
#[derive(Debug, Clone)]
pub struct Ctx {
    home: Home,
    server: Option<String>,
    json: bool,
    lang: rugzak_i18n::Lang,
}

/// An opened keystore with its identity and a transport to its server.
#[allow(
    missing_debug_implementations,
    reason = "holds the passphrase and the root secret"
)]
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
        let env: Vec<(&str, String)> = rugzak_i18n::LOCALE_VARS
            .iter()
            .filter_map(|name| std::env::var(name).ok().map(|v| (*name, v)))
            .collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let lang = rugzak_i18n::Lang::from_env(cli.lang.map(rugzak_i18n::Lang::tag), &env);
        LANG.store(
            u8::from(lang == rugzak_i18n::Lang::En),
            std::sync::atomic::Ordering::Relaxed,
        );
        Self {
            home: Home::new(home),
            server: cli.server.clone(),
            json: cli.json,
            lang,
        }
    }

    /// The texts in the language chosen (`--lang`, then the locale; Dutch by default).
    pub fn t(&self) -> &'static rugzak_i18n::Texts {
        rugzak_i18n::Texts::global(self.lang)
    }

    /// The language chosen.
    pub const fn lang(&self) -> rugzak_i18n::Lang {
        self.lang
    }

    /// The questionnaires crate's language for the same choice.
    pub const fn q_lang(&self) -> questionnaires::Lang {
        match self.lang {
            rugzak_i18n::Lang::Nl => questionnaires::Lang::Nl,
            rugzak_i18n::Lang::En => questionnaires::Lang::En,
        }
    }

    /// The server of `--server` (or the default), refused unless https:// or loopback.
    fn server(&self) -> Result<String, CliError> {
        let server = self
            .server
            .clone()
            .unwrap_or_else(|| DEFAULT_SERVER.to_owned());
        vault_client::transport::check_server_url(&server)?;
        Ok(server)
    }

    /// The passphrase from `RUGZAK_PASSPHRASE`, else asked on the terminal.
    fn passphrase(&self, confirm: bool) -> Result<SecretString, CliError> {
        if let Ok(text) = std::env::var(PASSPHRASE_ENV) {
            return Ok(SecretString::from(text));
        }
        if !std::io::stdin().is_terminal() {
            return Err(crate::keystore::KeystoreError::NoPassphrase.into());
        }
        let io = |source| CliError::Io {
            path: PathBuf::from("/dev/tty"),
            source,
        };
        let t = self.t();
        let first = rpassword::prompt_password(t.get("passphrase-prompt")).map_err(io)?;
        if confirm {
            let again = rpassword::prompt_password(t.get("passphrase-again")).map_err(io)?;
            if again != first {
                return Err(CliError::Usage(t.get("passphrase-differ")));
            }
        }
        Ok(SecretString::from(first))
    }

    fn open(&self) -> Result<Session, CliError> {
        if !self.home.exists() {
            return Err(
                crate::keystore::KeystoreError::Missing(self.home.dir().to_path_buf()).into(),
            );
        }
        let passphrase = self.passphrase(false)?;
        let state = self.home.load(&passphrase)?;
        let identity = state.identity();
        let transport = UreqTransport::checked(&state.server)?;
        Ok(Session {
            state,
            passphrase,
            identity,
            transport,
        })
    }

    /// Saves the session's state whatever `result` is, then returns `result`: what the core
    /// already recorded (a revoke the server accepted, a rotation owed) must survive a
    /// command that fails later on (spec `parts/client.md`, "Consent state").
    fn saved<T, E: Into<CliError>>(
        &self,
        session: &Session,
        result: Result<T, E>,
    ) -> Result<T, CliError> {
        let saving = self.save(session);
        let value = result.map_err(Into::into)?;
        saving?;
        Ok(value)
    }

    fn save(&self, session: &Session) -> Result<(), CliError> {
        self.home.save(&session.state, &session.passphrase)?;
        print_notices(self.t(), &session.state);
        Ok(())
    }

    /// Prints `human` as text, or `json` with `--json`. Every JSON answer is an object with a
    /// `schema` tag (spec `parts/cli-json.md`): the command's own, or [`CLI_SCHEMA`].
    fn emit(&self, human: impl FnOnce() -> String, mut json: serde_json::Value) {
        if self.json {
            if let Some(object) = json.as_object_mut() {
                object.entry("schema").or_insert_with(|| CLI_SCHEMA.into());
            }
            println!("{json}");
        } else {
            println!("{}", human());
        }
    }
}

/// The language a command line asks for before it is parsed (so that `--help` and mistakes in
/// the command line are in it too): `--lang`, then `RUGZAK_LANG`, then the locale, else Dutch.
#[must_use]
pub fn lang_of(argv: &[std::ffi::OsString]) -> rugzak_i18n::Lang {
    let mut flag = None;
    let mut words = argv.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        if word == "--lang" {
            flag = words.next().map(|v| v.into_owned());
        } else if let Some(v) = word.strip_prefix("--lang=") {
            flag = Some(v.to_owned());
        }
    }
    let flag = flag.or_else(|| std::env::var("RUGZAK_LANG").ok());
    let env: Vec<(&str, String)> = rugzak_i18n::LOCALE_VARS
        .iter()
        .filter_map(|name| std::env::var(name).ok().map(|v| (*name, v)))
        .collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(n, v)| (*n, v.as_str())).collect();
    rugzak_i18n::Lang::from_env(flag.as_deref(), &env)
}

/// Parses `argv` with help and mistakes in the language it asks for. `--help` and `--version`
/// print and exit 0; a mistake prints what is wrong and exits 2, as clap does.
#[must_use]
pub fn parse(argv: Vec<std::ffi::OsString>) -> Cli {
    use clap::{CommandFactory as _, FromArgMatches as _};
    let t = rugzak_i18n::Texts::global(lang_of(&argv));
    let cmd = help::localize(Cli::command(), t);
    let parsed = cmd
        .clone()
        .try_get_matches_from(argv)
        .and_then(|m| Cli::from_arg_matches(&m));
    match parsed {
        Ok(cli) => cli,
        Err(err) => {
            let code = err.exit_code();
            let shows_help =
                err.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand;
            if err.use_stderr() && !shows_help {
                #[allow(clippy::print_stderr, reason = "a mistake in the command line")]
                {
                    eprintln!("{}", help::mistake(t, &err));
                }
                std::process::exit(code);
            }
            err.exit()
        }
    }
}

/// The texts in the language `cli` chose (`--lang`, the locale, else Dutch).
#[must_use]
pub fn texts_for(cli: &Cli) -> &'static rugzak_i18n::Texts {
    Ctx::new(cli).t()
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
        Command::Wait {
            reference,
            timeout,
            yes,
        } => pro::wait(&ctx, &reference, timeout, yes),
        Command::Grant(a) => owner::grant(&ctx, a),
        Command::Grants { confirm } => grants::grants(&ctx, confirm),
        Command::Revoke { grant } => grants::revoke(&ctx, &grant),
        Command::Read { vault, yes } => pro::read(&ctx, vault.as_deref(), yes),
        Command::Append(a) => pro::append(&ctx, a),
        Command::Activiteit(c) => owner::activity(&ctx, c),
        Command::Log { from, to } => grants::log(&ctx, from.as_deref(), to.as_deref()),
        Command::ShareLink(a) => match a.command {
            Some(args::ShareLinkCommand::Revoke { link }) => owner::revoke_link(&ctx, &link),
            None => owner::share_link(&ctx, a),
        },
        Command::OpenLink { url, passcode } => owner::open_link(&ctx, &url, passcode.as_deref()),
        Command::Export(a) => owner::export(&ctx, a),
        Command::ExportIdentity { out, unencrypted } => {
            owner::export_identity(&ctx, &out, unencrypted)
        }
        Command::Vragenlijst(c) => quest::run(&ctx, c),
        Command::Programma(c) => quest::programme(&ctx, c),
        Command::Demo { dir } => demo::run(&ctx, dir),
    }
}

/// Finds the one id among `ids` that starts with `prefix`; `what` names the kind of id
/// (`item`, `grant`, `vault`, `activity`: the message `resolve-what-<what>`).
fn resolve<T: Copy + std::fmt::Display>(
    t: &rugzak_i18n::Texts,
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
        [] => Err(CliError::Usage(t.fmt(
            "resolve-none",
            &[
                ("what", what_text(t, what).into()),
                ("prefix", prefix.into()),
            ],
        ))),
        _ => Err(CliError::Usage(t.fmt(
            "resolve-many",
            &[
                ("what", what_text(t, what).into()),
                ("prefix", prefix.into()),
            ],
        ))),
    }
}

/// The kind of id for [`resolve`]'s messages.
fn what_text(t: &rugzak_i18n::Texts, what: &str) -> String {
    t.get(&format!("resolve-what-{what}"))
}

#[cfg(test)]
mod tests {
    use rugzak_i18n::{Lang, Texts};
    use vault_client::VaultError;

    /// The refusals whose texts name a grant or a part get it: no `{$...}` left for a person
    /// to read, in either language.
    #[test]
    fn refusals_name_the_grant_or_part_they_are_about() {
        let grant = crypto::GrantId::from_bytes([7; 16]);
        let cases = [
            (VaultError::GrantWithheld(grant), grant.to_string()),
            (VaultError::NoSuchGrant(grant), grant.to_string()),
            (
                VaultError::EpochWithheld {
                    scope: crypto::Scope::Notities,
                    expected: 2,
                    got: Some(1),
                },
                String::new(),
            ),
        ];
        for lang in [Lang::Nl, Lang::En] {
            let t = Texts::global(lang);
            for (err, named) in &cases {
                let text = super::vault_text(t, err);
                assert!(!text.contains('{'), "{lang:?}: {text}");
                assert!(text.contains(named.as_str()), "{lang:?}: {text}");
                assert!(text.ends_with(&format!("({})", err.code())), "{text}");
            }
        }
        let part = super::vault_text(Texts::global(Lang::Nl), &cases[2].0);
        assert!(part.contains("van notities"), "{part}");
    }
}
