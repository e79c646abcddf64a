//! `--help` in one language. clap's derive gives the tree of commands and arguments (its doc
//! comments are the developers' English); this walks the built tree and puts in each command's
//! description and each argument's help from the Fluent files, so that `rugzak --help` and
//! `rugzak vragenlijst fill --help` read like every other screen. clap has no translations of
//! its own, so its headings come from Fluent too and its English notes (`[env: ...]`,
//! `[default: ...]`, `[possible values: ...]`) are hidden; the texts say them in words.
//!
//! Message ids: `help` for the program, `help-<command>` (nested: `help-vragenlijst-fill`) for a
//! command, `help-<command>--<argument id>` for an argument, and `help--<argument id>` for the
//! global ones (`--home`, `--json`, `--help`, ...), which every command shares.

use clap::{Arg, Command};
use rugzak_i18n::Texts;

/// The message id of a command at `path` (`[]` is the program itself). clap's own `help`
/// command, which each command with subcommands has, has one text wherever it is.
fn command_id(path: &[&str]) -> String {
    if path.last() == Some(&"help") {
        return "help-help".to_owned();
    }
    std::iter::once("help")
        .chain(path.iter().copied())
        .collect::<Vec<_>>()
        .join("-")
}

/// `cmd` with every description, argument help and heading from `t`.
pub fn localize(mut cmd: Command, t: &Texts) -> Command {
    // Built first, so that `--help`, `--version`, the `help` command and the global arguments
    // are in every command and get their text too.
    cmd.build();
    localize_at(cmd, t, &[])
}

fn localize_at(cmd: Command, t: &Texts, path: &[&str]) -> Command {
    let id = command_id(path);
    let mut cmd = cmd
        .help_template(format!(
            "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
            t.get("help-usage")
        ))
        .subcommand_help_heading(t.get("help-heading-commands"))
        .subcommand_value_name(t.get("help-value-command"));
    if t.has(&id) {
        cmd = cmd.about(t.get(&id)).long_about(None);
    }
    let options = t.get("help-heading-options");
    let arguments = t.get("help-heading-arguments");
    cmd = cmd.mut_args(|arg| localize_arg(arg, t, &id, &options, &arguments));
    if path.last() == Some(&"help") {
        // Its subcommands only name the commands to give help on.
        return cmd;
    }
    cmd.mut_subcommands(|sub| {
        let name = sub.get_name().to_owned();
        let mut sub_path: Vec<&str> = path.to_vec();
        sub_path.push(&name);
        localize_at(sub, t, &sub_path)
    })
}

fn localize_arg(arg: Arg, t: &Texts, command: &str, options: &str, arguments: &str) -> Arg {
    let own = format!("{command}--{}", arg.get_id());
    let global = format!("help--{}", arg.get_id());
    let arg = if t.has(&own) {
        arg.help(t.get(&own)).long_help(None)
    } else if t.has(&global) {
        arg.help(t.get(&global)).long_help(None)
    } else {
        arg
    };
    let heading = if arg.is_positional() {
        arguments
    } else {
        options
    };
    arg.help_heading(heading.to_owned())
        .hide_env(true)
        .hide_default_value(true)
        .hide_possible_values(true)
}

/// What is wrong with a command line, in `t`'s language (clap's own errors are English).
pub fn mistake(t: &Texts, err: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let get = |kind| match err.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let (id, args): (&str, Vec<(&str, String)>) = match err.kind() {
        ErrorKind::UnknownArgument => (
            "mistake-unknown-argument",
            vec![("arg", get(ContextKind::InvalidArg))],
        ),
        ErrorKind::InvalidSubcommand => (
            "mistake-unknown-command",
            vec![("command", get(ContextKind::InvalidSubcommand))],
        ),
        ErrorKind::MissingRequiredArgument => (
            "mistake-missing",
            vec![("arg", get(ContextKind::InvalidArg))],
        ),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => (
            "mistake-value",
            vec![
                ("arg", get(ContextKind::InvalidArg)),
                ("value", get(ContextKind::InvalidValue)),
            ],
        ),
        ErrorKind::ArgumentConflict => (
            "mistake-conflict",
            vec![
                ("arg", get(ContextKind::InvalidArg)),
                ("other", get(ContextKind::PriorArg)),
            ],
        ),
        ErrorKind::MissingSubcommand => ("mistake-missing-command", Vec::new()),
        _ => ("mistake-other", Vec::new()),
    };
    let args: Vec<(&str, rugzak_i18n::Arg<'_>)> = args
        .iter()
        .map(|(name, value)| (*name, value.as_str().into()))
        .collect();
    let mut text = t.fmt(id, &args);
    let choices = get(ContextKind::ValidValue);
    if !choices.is_empty() {
        text.push(' ');
        text.push_str(&t.fmt("mistake-choices", &[("values", choices.as_str().into())]));
    }
    format!("{text}\n{}", t.get("mistake-see-help"))
}

/// The message id an argument's help comes from, or `None` when it has none (tests).
#[cfg(test)]
fn arg_text(t: &Texts, command: &str, arg: &Arg) -> Option<String> {
    [
        format!("{command}--{}", arg.get_id()),
        format!("help--{}", arg.get_id()),
    ]
    .into_iter()
    .find(|id| t.has(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;
    use rugzak_i18n::Lang;

    /// Every command and every visible argument, with the id its text comes from.
    fn walk(cmd: &Command, t: &Texts, path: &mut Vec<String>, missing: &mut Vec<String>) {
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        let id = command_id(&p);
        if !t.has(&id) {
            missing.push(id.clone());
        }
        for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            if arg_text(t, &id, arg).is_none() {
                missing.push(format!("{id}--{}", arg.get_id()));
            }
        }
        if path.last().map(String::as_str) == Some("help") {
            return;
        }
        for sub in cmd.get_subcommands() {
            path.push(sub.get_name().to_owned());
            walk(sub, t, path, missing);
            path.pop();
        }
    }

    #[test]
    fn every_command_and_argument_has_help_in_both_languages() {
        for lang in [Lang::Nl, Lang::En] {
            let t = Texts::global(lang);
            let mut cmd = super::super::Cli::command();
            cmd.build();
            let mut missing = Vec::new();
            walk(&cmd, t, &mut Vec::new(), &mut missing);
            assert!(
                missing.is_empty(),
                "{lang:?}: no help text for {missing:#?}"
            );
        }
    }

    #[test]
    fn the_help_is_in_one_language() {
        let nl = localize(super::super::Cli::command(), Texts::global(Lang::Nl))
            .render_help()
            .to_string();
        let en = localize(super::super::Cli::command(), Texts::global(Lang::En))
            .render_help()
            .to_string();
        assert!(
            nl.contains("Gebruik:") && nl.contains("Opdrachten:"),
            "{nl}"
        );
        assert!(
            !nl.contains("Usage") && !nl.contains("Commands:") && !nl.contains("Print help"),
            "{nl}"
        );
        assert!(en.contains("Usage:") && en.contains("Commands:"), "{en}");
        assert!(
            !en.contains("Gebruik") && !en.contains("rugzakje voor"),
            "{en}"
        );
    }
}
