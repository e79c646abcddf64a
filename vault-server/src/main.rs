//! `vault-server`: serve the API (default) or back up the store.

use std::future::IntoFuture as _;
use std::io::IsTerminal as _;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use tracing_subscriber::EnvFilter;
use url::Url;
use vault_server::state::{system_clock, Clock};
use vault_server::store::{SledOptions, SledStore};
use vault_server::{app, AppState, RateLimits, ServerConfig};

/// Rugzak vault server: stores ciphertext, wrapped keys and the consent log.
#[derive(Debug, Parser)]
#[command(version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve(ServeArgs),
    /// Write a consistent copy of the store to a new directory (stop the server first).
    Backup(BackupArgs),
}

#[derive(Debug, Clone, Args)]
struct StoreArgs {
    /// Directory of the embedded sled store (created when missing).
    #[arg(long, env = "RUGZAK_DATA_DIR", default_value = "rugzak-data")]
    data_dir: PathBuf,
    /// sled page cache in MiB: the main knob for memory use.
    #[arg(long, env = "RUGZAK_CACHE_MB", default_value_t = SledOptions::default().cache_bytes / MIB)]
    cache_mb: u64,
}

/// The library's defaults, shown in `--help` (one source for them).
fn defaults() -> ServerConfig {
    ServerConfig::new(
        Url::parse(DEFAULT_PUBLIC_URL).unwrap_or_else(|_| unreachable!("a valid constant URL")),
    )
}

const DEFAULT_PUBLIC_URL: &str = "http://localhost:8080";

#[derive(Debug, Clone, Args)]
struct ServeArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Address to listen on.
    #[arg(long, env = "RUGZAK_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Public origin of the web app; its host name is the WebAuthn relying-party id.
    #[arg(long, env = "RUGZAK_PUBLIC_URL", default_value = DEFAULT_PUBLIC_URL)]
    public_url: Url,
    /// Folder of the built web app, served at `/` (`scripts/build-web.sh` makes it).
    #[arg(long, env = "RUGZAK_WEB_DIR")]
    web_dir: Option<PathBuf>,
    /// Largest request body in bytes.
    #[arg(long, env = "RUGZAK_BODY_LIMIT", default_value_t = defaults().body_limit)]
    body_limit: usize,
    /// Session lifetime in minutes.
    #[arg(long, env = "RUGZAK_SESSION_MINUTES", default_value_t = defaults().session_ttl.as_secs() / 60)]
    session_minutes: u64,
    /// Passkey registration and login attempts per minute per client address.
    #[arg(long, env = "RUGZAK_LOGIN_PER_MINUTE", default_value_t = defaults().rate_limits.login_per_minute)]
    login_per_minute: NonZeroU32,
    /// Share-link passcode attempts per minute per client address.
    #[arg(long, env = "RUGZAK_PASSCODE_PER_MINUTE", default_value_t = defaults().rate_limits.passcode_per_minute)]
    passcode_per_minute: NonZeroU32,
    /// Access-request posts and fetches per minute per client address.
    #[arg(long, env = "RUGZAK_REQUEST_PER_MINUTE", default_value_t = defaults().rate_limits.request_per_minute)]
    request_per_minute: NonZeroU32,
    /// On SIGTERM or ctrl-c: seconds that requests in progress get to finish before the
    /// server stops anyway (a client that never completes its request cannot hold it up).
    #[arg(long, env = "RUGZAK_DRAIN_SECONDS", default_value_t = 30)]
    drain_seconds: u64,
    /// Shifts the server clock by this many seconds. For end-to-end tests of expiry only: the
    /// `rugzak` CLI reads the same variable, so signatures stay within the allowed clock skew.
    /// Debug builds only: a release build has no such flag and ignores the variable.
    #[cfg(debug_assertions)]
    #[arg(
        long,
        env = CLOCK_OFFSET_ENV,
        default_value_t = 0,
        hide = true
    )]
    clock_offset_seconds: i64,
}

/// The test-only clock knob (spec `parts/client.md`, "Test-only knobs").
const CLOCK_OFFSET_ENV: &str = "RUGZAK_CLOCK_OFFSET_SECONDS";

#[derive(Debug, Clone, Args)]
struct BackupArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Directory to write the copy to; must not exist. It is itself a valid data directory.
    #[arg(long)]
    out: PathBuf,
}

impl StoreArgs {
    fn options(&self) -> SledOptions {
        SledOptions {
            cache_bytes: self.cache_mb.saturating_mul(MIB),
        }
    }

    fn open(&self) -> Result<SledStore, vault_server::store::StoreError> {
        SledStore::open(&self.data_dir, self.options())
    }
}

impl ServeArgs {
    /// Seconds the clock is shifted by: the hidden test flag in debug builds, zero in release
    /// builds (which warn when the variable is set, so a test set-up does not fail silently).
    fn clock_offset(&self) -> i64 {
        #[cfg(debug_assertions)]
        {
            self.clock_offset_seconds
        }
        #[cfg(not(debug_assertions))]
        {
            if std::env::var_os(CLOCK_OFFSET_ENV).is_some() {
                tracing::warn!(
                    "{CLOCK_OFFSET_ENV} is ignored: the clock offset exists only in debug builds"
                );
            }
            0
        }
    }

    fn config(&self) -> ServerConfig {
        ServerConfig {
            body_limit: self.body_limit,
            session_ttl: Duration::from_secs(self.session_minutes.saturating_mul(60)),
            rate_limits: RateLimits {
                login_per_minute: self.login_per_minute,
                passcode_per_minute: self.passcode_per_minute,
                request_per_minute: self.request_per_minute,
            },
            web_dir: self.web_dir.clone(),
            ..ServerConfig::new(self.public_url.clone())
        }
    }
}

/// Bytes in a MiB.
const MIB: u64 = 1024 * 1024;

/// How often expired sessions, nonces, requests and ceremonies are purged.
const MAINTENANCE_EVERY: Duration = Duration::from_secs(60);

async fn serve(args: ServeArgs) -> Result<(), String> {
    let store = args.store.open().map_err(|e| e.to_string())?;
    let state = AppState::with_clock(
        Arc::new(store),
        args.config(),
        offset_clock(args.clock_offset()),
    )
    .map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let shutdown = shutdown_signal()?;
    tracing::info!(%local, data_dir = %args.store.data_dir.display(), "listening");

    let maintenance = tokio::spawn({
        let state = state.clone();
        async move {
            let mut tick = tokio::time::interval(MAINTENANCE_EVERY);
            loop {
                tick.tick().await;
                if let Err(e) = state.maintain().await {
                    tracing::warn!(code = e.code(), "maintenance failed");
                }
            }
        }
    });
    let service = app(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let (stopping, stop_asked) = tokio::sync::oneshot::channel();
    let graceful = async move {
        shutdown.await;
        let _ = stopping.send(());
    };
    let serving = axum::serve(listener, service)
        .with_graceful_shutdown(graceful)
        .into_future();
    let drained = drain_deadline(stop_asked, Duration::from_secs(args.drain_seconds));
    let served = tokio::select! {
        served = serving => served.map_err(|e| format!("server failed: {e}")),
        () = drained => {
            tracing::warn!(seconds = args.drain_seconds, "requests still open after the drain time; stopping anyway");
            Ok(())
        }
    };
    maintenance.abort();
    served?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves `drain` after a stop was asked for; never if none was.
async fn drain_deadline(stop_asked: tokio::sync::oneshot::Receiver<()>, drain: Duration) {
    if stop_asked.await.is_ok() {
        tokio::time::sleep(drain).await;
    } else {
        std::future::pending::<()>().await;
    }
}

/// Listens for SIGTERM and ctrl-c (SIGINT) from now on; the future resolves on the first, and
/// in-flight requests then finish before the process exits. Installed before the server says
/// it is listening: a stop right after start must be a graceful stop, not the default kill.
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>, String> {
    use tokio::signal::unix::{signal, SignalKind};
    let listen = |kind| signal(kind).map_err(|e| format!("cannot listen for signals: {e}"));
    let (mut term, mut interrupt) = (
        listen(SignalKind::terminate())?,
        listen(SignalKind::interrupt())?,
    );
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {},
            _ = interrupt.recv() => {},
        }
        tracing::info!("shutting down");
    })
}

/// Copies the data as it is: an older format is not upgraded first, so the copy still opens
/// with the server that wrote it (back up before upgrading).
fn backup(args: &BackupArgs) -> Result<(), String> {
    let store = SledStore::open_as_it_is(&args.store.data_dir, args.store.options())
        .map_err(|e| e.to_string())?;
    store.backup_to(&args.out).map_err(|e| e.to_string())?;
    tracing::info!(out = %args.out.display(), "backup written");
    Ok(())
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Backup(args)) => backup(&args),
        Some(Command::Serve(args)) => run_server(args),
        None => run_server(cli.serve),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn run_server(args: ServeArgs) -> Result<(), String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?
        .block_on(serve(args))
}

/// The system clock, shifted by `offset` seconds (zero outside tests).
fn offset_clock(offset: i64) -> Clock {
    let system = system_clock();
    Arc::new(move || system().saturating_add(offset))
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::Cli;

    /// The test-only clock flag parses in debug builds and is unknown in release builds.
    /// The release half runs with
    /// `cargo test -p vault-server --bin vault-server --config 'profile.dev.package.vault-server.debug-assertions=false'`.
    #[test]
    fn the_clock_offset_flag_exists_only_in_debug_builds() {
        let parsed = Cli::try_parse_from(["vault-server", "--clock-offset-seconds", "60"]);
        assert_eq!(parsed.is_ok(), cfg!(debug_assertions), "{parsed:?}");
        #[cfg(debug_assertions)]
        assert_eq!(parsed.map(|c| c.serve.clock_offset()).ok(), Some(60));
    }
}
