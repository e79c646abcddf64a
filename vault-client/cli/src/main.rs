//! `rugzak`: the command-line client for inwoner, huisarts and welzijnscoach.

#![allow(
    clippy::print_stdout,
    reason = "a command-line tool prints its results"
)]
#![allow(clippy::print_stderr, reason = "a command-line tool prints its errors")]

use std::process::ExitCode;

use rugzak_cli::cli;

fn main() -> ExitCode {
    let args = cli::parse(std::env::args_os().collect());
    let texts = cli::texts_for(&args);
    warn_about_ignored_knobs(texts);
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!(
                "{}",
                texts.fmt("error-prefix", &[("message", err.to_string().into())])
            );
            ExitCode::FAILURE
        }
    }
}

/// A release build has no test-only knobs (spec `parts/client.md`); it says so when one is set,
/// so that nobody believes a lighter keystore or a shifted clock is in effect.
fn warn_about_ignored_knobs(texts: &rugzak_i18n::Texts) {
    #[cfg(debug_assertions)]
    let _ = texts;
    #[cfg(not(debug_assertions))]
    for knob in [
        rugzak_cli::time::CLOCK_OFFSET_ENV,
        rugzak_cli::keystore::WORK_FACTOR_ENV,
    ] {
        if std::env::var_os(knob).is_some() {
            eprintln!("{}", texts.fmt("knob-ignored", &[("name", knob.into())]));
        }
    }
}
