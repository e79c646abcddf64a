//! `rugzak`: the command-line client for inwoner, huisarts and welzijnscoach.

#![allow(
    clippy::print_stdout,
    reason = "a command-line tool prints its results"
)]
#![allow(clippy::print_stderr, reason = "a command-line tool prints its errors")]

mod cli;

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("fout / error: {err}");
            ExitCode::FAILURE
        }
    }
}
