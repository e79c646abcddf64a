//! `rugzak demo`: the Annelies journey, step by step, through the same commands.

use std::path::PathBuf;

use clap::Parser as _;

use super::{CliError, Ctx};

pub fn run(_ctx: &Ctx, _dir: Option<PathBuf>) -> Result<(), CliError> {
    let _ = super::Cli::try_parse_from(["rugzak", "list"]);
    Err(CliError::Usage("demo: not yet".into()))
}
