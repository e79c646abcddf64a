//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Rugzak: your own end-to-end encrypted backpack for Welzijn op Recept.
///
/// These doc comments are for developers; what `--help` shows comes from the Fluent files
/// (`help.rs`), in one language.
#[derive(Debug, Parser)]
#[command(name = "rugzak", version)]
pub struct Cli {
    /// Directory holding your keystore (default ~/.rugzak).
    #[arg(long, global = true, env = "RUGZAK_HOME")]
    pub home: Option<PathBuf>,
    /// Server URL (init/recover; remembered).
    #[arg(long, global = true, env = "RUGZAK_SERVER")]
    pub server: Option<String>,
    /// Print JSON for scripts.
    #[arg(long, global = true)]
    pub json: bool,
    /// Language: nl (default) or en. Without it: LC_ALL,
    /// LC_MESSAGES, LANG.
    #[arg(long, global = true, env = "RUGZAK_LANG")]
    pub lang: Option<rugzak_i18n::Lang>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a vault or a professional key.
    Init(InitArgs),
    /// Restore from your recovery code.
    Recover(RecoverArgs),
    /// Notes.
    #[command(subcommand)]
    Note(NoteCommand),
    /// Every item in your vault.
    List,
    /// Show one item.
    Show {
        /// Item id (or its first characters).
        #[arg(allow_hyphen_values = true)]
        item: String,
    },
    /// Request access (professional).
    Request(RequestArgs),
    /// Wait until the inwoner grants.
    Wait {
        /// The request reference printed by `request`.
        #[arg(allow_hyphen_values = true)]
        reference: String,
        /// Give up after this many seconds.
        #[arg(long, default_value_t = 600)]
        timeout: u64,
        /// Do not ask to compare the check code (scripts; you compared it another way).
        #[arg(long)]
        yes: bool,
    },
    /// Grant access (inwoner).
    Grant(GrantArgs),
    /// Grants of my vault.
    Grants {
        /// After a recovery: confirm the grants shown still hold, so that
        /// they get the new keys.
        #[arg(long)]
        confirm: bool,
    },
    /// Revoke a grant.
    Revoke {
        /// Grant id (or its first characters).
        #[arg(allow_hyphen_values = true)]
        grant: String,
    },
    /// Read shared vaults (professional).
    Read {
        /// Vault id (or its first characters); without it, lists the vaults shared with me.
        #[arg(allow_hyphen_values = true)]
        vault: Option<String>,
        /// Do not ask to compare the check code of a grant not confirmed yet (scripts).
        #[arg(long)]
        yes: bool,
    },
    /// Append to a vault (coach).
    Append(AppendArgs),
    /// Activity in the neighbourhood.
    #[command(subcommand)]
    Activiteit(ActiviteitCommand),
    /// Consent and access log (NEN 7513).
    Log {
        /// From this date (YYYY-MM-DD, Dutch local time).
        #[arg(long)]
        from: Option<String>,
        /// Up to (not including) this date (YYYY-MM-DD, Dutch local time).
        #[arg(long)]
        to: Option<String>,
    },
    /// Create (URL + QR) or revoke a share link.
    ShareLink(ShareLinkArgs),
    /// Open a share link.
    OpenLink {
        /// The link (`https://.../open#...`).
        url: String,
        /// The passcode, when the link has one.
        #[arg(long)]
        passcode: Option<String>,
    },
    /// Export the whole vault.
    Export(ExportArgs),
    /// Write an identity file for age/rage.
    ExportIdentity {
        /// Where to write it (mode 0600); encrypted with your passphrase unless --unencrypted.
        #[arg(long)]
        out: PathBuf,
        /// Write the secret key in plain text (anyone who gets the file can open your exports).
        #[arg(long)]
        unencrypted: bool,
    },
    /// Questionnaires.
    #[command(subcommand)]
    Vragenlijst(VragenlijstCommand),
    /// Programmes.
    #[command(subcommand)]
    Programma(ProgrammaCommand),
    /// Play the Annelies journey against a server.
    Demo {
        /// Keep the three home directories here (default: a temporary directory).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

/// `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Role: inwoner (default), huisarts, welzijnscoach, poh-ggz.
    #[arg(long, default_value = "inwoner")]
    pub role: crypto::Role,
    /// Your name (professionals); an inwoner's name shown to professionals with the check code.
    #[arg(long)]
    pub name: Option<String>,
    /// Your organisation (professionals).
    #[arg(long)]
    pub org: Option<String>,
}

/// `recover`.
#[derive(Debug, Args)]
pub struct RecoverArgs {
    /// The recovery code (asked for when missing).
    #[arg(long)]
    pub code: Option<String>,
    /// Confirm without asking that the grants found in the log still hold.
    #[arg(long)]
    pub yes: bool,
}

/// `note`.
#[derive(Debug, Subcommand)]
pub enum NoteCommand {
    /// Add a note.
    Add {
        /// The text.
        text: String,
    },
    /// List notes.
    List,
    /// Show one note.
    Show {
        /// Item id (or its first characters).
        #[arg(allow_hyphen_values = true)]
        item: String,
    },
}

/// `request`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("parts").required(true).multiple(true).args(["read", "append", "scopes"])))]
pub struct RequestArgs {
    /// Parts to read (vragenlijsten, programmas, notities,
    /// verwijzing, intake, terugkoppeling).
    #[arg(long, value_delimiter = ',')]
    pub read: Vec<crypto::Scope>,
    /// Parts to add to.
    #[arg(long, value_delimiter = ',')]
    pub append: Vec<crypto::Scope>,
    /// Older form: these parts, each with every mode of --mode.
    #[arg(long = "scope", value_delimiter = ',', conflicts_with_all = ["read", "append"])]
    pub scopes: Vec<crypto::Scope>,
    /// Older form: modes (read, append) for every --scope.
    #[arg(
        long = "mode",
        value_delimiter = ',',
        default_value = "read",
        requires = "scopes"
    )]
    pub modes: Vec<crypto::Mode>,
    /// For this many days.
    #[arg(long, conflicts_with = "lifelong")]
    pub days: Option<u16>,
    /// For life (until revoked).
    #[arg(long)]
    pub lifelong: bool,
    /// Where to write the QR code as PNG and SVG (default: the home directory).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Wait for the grant after posting.
    #[arg(long)]
    pub wait: bool,
    /// With --wait: do not ask to compare the check code (scripts).
    #[arg(long, requires = "wait")]
    pub yes: bool,
}

/// `grant`.
#[derive(Debug, Args)]
pub struct GrantArgs {
    /// A photo or image file of the QR code.
    #[arg(long, conflicts_with = "text")]
    pub image: Option<PathBuf>,
    /// The QR code's text (`RZ:...`).
    #[arg(long)]
    pub text: Option<String>,
    /// Only these scopes of those asked.
    #[arg(long = "scope", value_delimiter = ',')]
    pub scopes: Vec<crypto::Scope>,
    /// Shorter: this many days.
    #[arg(long, conflicts_with = "lifelong")]
    pub days: Option<u16>,
    /// For life (only when asked).
    #[arg(long)]
    pub lifelong: bool,
    /// Include items from before today (default).
    #[arg(long, conflicts_with = "from_now")]
    pub history: bool,
    /// Only items stored from now on.
    #[arg(long)]
    pub from_now: bool,
    /// The name the professional sees with the check code (default: the one from init).
    #[arg(long)]
    pub name: Option<String>,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub yes: bool,
}

/// `append`.
#[derive(Debug, Args)]
pub struct AppendArgs {
    /// Vault id (or its first characters).
    #[arg(allow_hyphen_values = true)]
    pub vault: String,
    /// What it is: intake (intake note), feedback, referral (verwijzing, by the GP) or
    /// activity (the activity agreed with the inwoner).
    #[arg(long, default_value = "intake")]
    pub kind: AppendKind,
    /// The text (intake, feedback).
    #[arg(required_if_eq_any = [("kind", "intake"), ("kind", "feedback")])]
    pub text: Option<String>,
    /// Referral: to whom (coach or organisation).
    #[arg(long, required_if_eq("kind", "referral"))]
    pub to: Option<String>,
    /// Referral: why (the complaints).
    #[arg(long, required_if_eq("kind", "referral"))]
    pub reason: Option<String>,
    /// Referral: the question to the coach.
    #[arg(long, required_if_eq("kind", "referral"))]
    pub question: Option<String>,
    /// Referral: what the inwoner agreed may be passed on.
    #[arg(long, required_if_eq("kind", "referral"))]
    pub agreed: Option<String>,
    /// Activity: what.
    #[arg(long, required_if_eq("kind", "activity"))]
    pub what: Option<String>,
    /// Activity: where.
    #[arg(long = "where", required_if_eq("kind", "activity"))]
    pub place: Option<String>,
    /// Activity: when (e.g. "dinsdag 10:00").
    #[arg(long, required_if_eq("kind", "activity"))]
    pub when: Option<String>,
    /// Referral or activity: whom to contact, how.
    #[arg(long, required_if_eq_any = [("kind", "referral"), ("kind", "activity")])]
    pub contact: Option<String>,
    /// Do not ask to compare the check code of a grant not confirmed yet (scripts).
    #[arg(long)]
    pub yes: bool,
}

/// What a professional appends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AppendKind {
    /// Intake note (part intake).
    Intake,
    /// Feedback to the referrer (part terugkoppeling).
    Feedback,
    /// The GP's referral (part verwijzing).
    Referral,
    /// The activity agreed with the inwoner (part programmas).
    Activity,
}

/// `activiteit`: the activity the inwoner agreed on (step 4).
#[derive(Debug, Subcommand)]
pub enum ActiviteitCommand {
    /// Record an activity.
    Add {
        /// What.
        #[arg(long)]
        what: String,
        /// Where.
        #[arg(long = "where")]
        place: String,
        /// When (e.g. "dinsdag 10:00").
        #[arg(long)]
        when: String,
        /// Whom to contact there.
        #[arg(long, default_value = "")]
        contact: String,
    },
    /// Your own reflection on an activity.
    Reflect {
        /// Activity id (or its first characters).
        #[arg(allow_hyphen_values = true)]
        activity: String,
        /// Your text.
        text: String,
    },
}

/// `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output file.
    #[arg(long)]
    pub out: PathBuf,
    /// Write a FHIR R4 Bundle (JSON, not encrypted) instead of an age file.
    #[arg(long)]
    pub fhir: bool,
}

/// `vragenlijst`.
#[derive(Debug, Subcommand)]
pub enum VragenlijstCommand {
    /// Available questionnaires.
    List,
    /// Fill in.
    Fill {
        /// Questionnaire key (pss-10, vlq, zrm-2017, positieve-gezondheid-kort, check-in).
        key: String,
        /// JSON answers file (linkId → answer); without it, asks one question at a time.
        #[arg(long)]
        answers: Option<PathBuf>,
    },
    /// Results with trend.
    Results,
    /// Chart as SVG or PNG.
    Grafiek {
        /// Questionnaire key: spider web for zrm-2017 and positieve-gezondheid-kort (latest
        /// scores), trend line for pss-10 and vlq (all scores).
        key: String,
        /// Output file; PNG when it ends in .png (default: KEY.svg).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Score to draw as a trend line (default: the total).
        #[arg(long)]
        measure: Option<String>,
    },
}

/// `share-link`: makes a link, unless a subcommand says otherwise.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ShareLinkArgs {
    /// What to do instead of making a link.
    #[command(subcommand)]
    pub command: Option<ShareLinkCommand>,
    /// Only these scopes (default: everything).
    #[arg(long = "scope", value_delimiter = ',')]
    pub scopes: Vec<crypto::Scope>,
    /// Valid for this many days.
    #[arg(long, default_value_t = 7)]
    pub days: u16,
    /// Ask this passcode (tell it separately).
    #[arg(long)]
    pub passcode: Option<String>,
    /// Serve it at most this many times.
    #[arg(long)]
    pub max_uses: Option<u32>,
    /// Shown to whoever opens it.
    #[arg(long, default_value = "Gedeeld uit mijn rugzak")]
    pub label: String,
}

/// `share-link <subcommand>`.
#[derive(Debug, Subcommand)]
pub enum ShareLinkCommand {
    /// Revoke a share link (recorded in your log).
    Revoke {
        /// The link id (printed when the link was made) or the whole link.
        #[arg(allow_hyphen_values = true)]
        link: String,
    },
}

/// `programma`.
#[derive(Debug, Subcommand)]
pub enum ProgrammaCommand {
    /// Available programmes and suggestions.
    List,
    /// Show a programme or one step.
    Show {
        /// Programme id (rouw, eenzaamheid, stress, somberheid).
        programme: String,
        /// Step id or number (1, 2, ...); without it, the overview.
        step: Option<String>,
    },
    /// Start a programme.
    Start {
        /// Programme id (rouw, eenzaamheid, stress, somberheid).
        programme: String,
    },
    /// Mark a step done.
    Done {
        /// Programme id.
        programme: String,
        /// Step id or number.
        step: String,
    },
    /// Write a reflection.
    Reflect {
        /// Programme id.
        programme: String,
        /// Step id or number of a reflection question.
        step: String,
        /// Your answer.
        text: String,
    },
    /// Progress.
    Status,
}
