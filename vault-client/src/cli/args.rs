//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Rugzak: je eigen versleutelde rugzakje voor Welzijn op Recept.
/// Rugzak: your own end-to-end encrypted backpack for Welzijn op Recept.
#[derive(Debug, Parser)]
#[command(name = "rugzak", version)]
pub struct Cli {
    /// Map met je sleutels / directory holding your keystore (default ~/.rugzak).
    #[arg(long, global = true, env = "RUGZAK_HOME")]
    pub home: Option<PathBuf>,
    /// Server-URL (alleen bij init/recover; daarna onthouden) / server URL (init/recover; remembered).
    #[arg(long, global = true, env = "RUGZAK_SERVER")]
    pub server: Option<String>,
    /// Uitvoer als JSON voor scripts / print JSON for scripts.
    #[arg(long, global = true)]
    pub json: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Nieuwe rugzak of professionele sleutel maken / create a vault or a professional key.
    Init(InitArgs),
    /// Herstellen met je herstelcode / restore from your recovery code.
    Recover(RecoverArgs),
    /// Notities / notes.
    #[command(subcommand)]
    Note(NoteCommand),
    /// Alle items in je rugzak / every item in your vault.
    List,
    /// Eén item tonen / show one item.
    Show {
        /// Item id (or its first characters).
        #[arg(allow_hyphen_values = true)]
        item: String,
    },
    /// Toegang vragen (professional) / request access (professional).
    Request(RequestArgs),
    /// Wachten tot de inwoner toestemming geeft / wait until the inwoner grants.
    Wait {
        /// The request reference printed by `request`.
        #[arg(allow_hyphen_values = true)]
        reference: String,
        /// Give up after this many seconds.
        #[arg(long, default_value_t = 600)]
        timeout: u64,
    },
    /// Toestemming geven (inwoner) / grant access (inwoner).
    Grant(GrantArgs),
    /// Gegeven toestemmingen / grants of my vault.
    Grants,
    /// Toestemming intrekken / revoke a grant.
    Revoke {
        /// Grant id (or its first characters).
        #[arg(allow_hyphen_values = true)]
        grant: String,
    },
    /// Gedeelde rugzakjes lezen (professional) / read shared vaults (professional).
    Read {
        /// Vault id (or its first characters); without it, lists the vaults shared with me.
        #[arg(allow_hyphen_values = true)]
        vault: Option<String>,
    },
    /// Iets toevoegen aan een rugzak (coach) / append to a vault (coach).
    Append(AppendArgs),
    /// Toestemmings- en toegangslog / consent and access log (NEN 7513).
    Log {
        /// From this date (YYYY-MM-DD, UTC).
        #[arg(long)]
        from: Option<String>,
        /// Up to (not including) this date (YYYY-MM-DD, UTC).
        #[arg(long)]
        to: Option<String>,
    },
    /// Deellink maken of intrekken / create (URL + QR) or revoke a share link.
    ShareLink(ShareLinkArgs),
    /// Deellink openen / open a share link.
    OpenLink {
        /// The link (`https://.../open#...`).
        url: String,
        /// The passcode, when the link has one.
        #[arg(long)]
        passcode: Option<String>,
    },
    /// Hele rugzak exporteren / export the whole vault.
    Export(ExportArgs),
    /// Sleutelbestand voor age/rage schrijven / write an identity file for age/rage.
    ExportIdentity {
        /// Where to write it (mode 0600).
        #[arg(long)]
        out: PathBuf,
    },
    /// Vragenlijsten / questionnaires.
    #[command(subcommand)]
    Vragenlijst(VragenlijstCommand),
    /// Programma's / programmes.
    #[command(subcommand)]
    Programma(ProgrammaCommand),
    /// Speel de reis van Annelies af tegen een server / play the Annelies journey against a server.
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
    /// Your name (professionals).
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
}

/// `note`.
#[derive(Debug, Subcommand)]
pub enum NoteCommand {
    /// Notitie toevoegen / add a note.
    Add {
        /// The text.
        text: String,
    },
    /// Notities tonen / list notes.
    List,
    /// Eén notitie / show one note.
    Show {
        /// Item id (or its first characters).
        #[arg(allow_hyphen_values = true)]
        item: String,
    },
}

/// `request`.
#[derive(Debug, Args)]
pub struct RequestArgs {
    /// Scopes (vragenlijsten, programmas, notities, verwijzing, intake, terugkoppeling).
    #[arg(long = "scope", value_delimiter = ',', required = true)]
    pub scopes: Vec<crypto::Scope>,
    /// Modes (read, append); every scope gets every mode.
    #[arg(long = "mode", value_delimiter = ',', default_value = "read")]
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
    /// What it is: intake (intake note) or feedback.
    #[arg(long, default_value = "intake")]
    pub kind: AppendKind,
    /// The text.
    pub text: String,
}

/// What a coach appends.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum AppendKind {
    /// Intake note (scope intake).
    Intake,
    /// Feedback to the referrer (scope terugkoppeling).
    Feedback,
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
    /// Beschikbare vragenlijsten / available questionnaires.
    List,
    /// Invullen / fill in.
    Fill {
        /// Questionnaire key (pss-10, vlq, zrm, positieve-gezondheid).
        key: String,
        /// JSON answers file (linkId → answer); without it, asks one question at a time.
        #[arg(long)]
        answers: Option<PathBuf>,
    },
    /// Uitslagen met trend / results with trend.
    Results,
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
    /// Deellink intrekken (komt in je log) / revoke a share link (recorded in your log).
    Revoke {
        /// The link id (printed when the link was made) or the whole link.
        #[arg(allow_hyphen_values = true)]
        link: String,
    },
}

/// `programma`.
#[derive(Debug, Subcommand)]
pub enum ProgrammaCommand {
    /// Beschikbare programma's / available programmes.
    List,
    /// Een programma beginnen / start a programme.
    Start {
        /// Programme id (rouw, eenzaamheid, stress, somberheid).
        programme: String,
    },
    /// Een stap afvinken / mark a step done.
    Done {
        /// Programme id.
        programme: String,
        /// Step id.
        step: String,
    },
    /// Een reflectie schrijven / write a reflection.
    Reflect {
        /// Programme id.
        programme: String,
        /// Step id of a reflection question.
        step: String,
        /// Your answer.
        text: String,
    },
    /// Voortgang / progress.
    Status,
}
