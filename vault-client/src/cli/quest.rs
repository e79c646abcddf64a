//! Questionnaire commands: list, fill (from a file or one question at a time), results.

use questionnaires::{Catalog, Completed, Filler, Lang};
use serde_json::json;
use vault_client::{time, NewItem};

use crypto::{ItemKind, Scope};

use super::args::VragenlijstCommand;
use super::{owner, CliError, Ctx};

pub fn run(ctx: &Ctx, c: VragenlijstCommand) -> Result<(), CliError> {
    let catalog = Catalog::builtin()
        .map_err(|e| CliError::Usage(format!("internal error: shipped questionnaires: {e}")))?;
    match c {
        VragenlijstCommand::List => {
            let list: Vec<_> = catalog
                .list()
                .iter()
                .map(|i| json!({"key": i.key(), "title": i.title().get(Lang::Nl)}))
                .collect();
            ctx.emit(
                || {
                    catalog
                        .list()
                        .iter()
                        .map(|i| format!("{:<24} {}", i.key(), i.title().get(Lang::Nl)))
                        .collect::<Vec<_>>()
                        .join("\n")
                },
                json!({"questionnaires": list}),
            );
            Ok(())
        }
        VragenlijstCommand::Fill { key, answers } => {
            let instrument = catalog.get(&key).cloned().ok_or_else(|| {
                CliError::Usage(format!(
                    "onbekende vragenlijst {key} / unknown questionnaire {key}: see `rugzak vragenlijst list`"
                ))
            })?;
            let now = time::now();
            let done = match answers {
                Some(path) => {
                    let text = std::fs::read_to_string(&path).map_err(|source| CliError::Io {
                        path: path.clone(),
                        source,
                    })?;
                    Completed::from_answers_json(instrument, &text, now).map_err(|e| {
                        CliError::Usage(format!("antwoorden kloppen niet / answers invalid: {e}"))
                    })?
                }
                None => interactive(instrument, now)?,
            };
            let sheet = done
                .score()
                .map_err(|e| CliError::Usage(format!("score: {e}")))?;
            let encode = |r: Result<Vec<u8>, _>| {
                r.map_err(|_: questionnaires::fhir::EncodeError| {
                    CliError::Usage("internal error: FHIR encoding".into())
                })
            };
            let response = encode(questionnaires::fhir::to_json_bytes(&done.response(None)))?;
            let observation = encode(questionnaires::fhir::to_json_bytes(
                &sheet.observation(None, None),
            ))?;
            owner::add(
                ctx,
                NewItem {
                    scope: Scope::Vragenlijsten,
                    kind: ItemKind::QuestionnaireResponse,
                    body: response,
                },
            )?;
            owner::add(
                ctx,
                NewItem {
                    scope: Scope::Vragenlijsten,
                    kind: ItemKind::Observation,
                    body: observation,
                },
            )?;
            let summary = sheet.summary(Lang::Nl);
            ctx.emit(
                || format!("Bewaard / saved.\n{summary}"),
                json!({"summary": summary}),
            );
            Ok(())
        }
        VragenlijstCommand::Results => results(ctx, &catalog),
    }
}

/// One question at a time on the terminal; `terug`/`back` goes back.
fn interactive(instrument: questionnaires::Instrument, now: i64) -> Result<Completed, CliError> {
    let mut filler = Filler::new(instrument);
    while let Some(question) = filler.current() {
        let at = filler.position();
        eprintln!(
            "\nVraag / question {} / {}: {}\n  {}",
            at.number,
            at.count,
            question.text.get(Lang::Nl),
            question.text.get(Lang::En)
        );
        if let questionnaires::AnswerKind::Choice(options) = &question.kind {
            for option in options {
                eprintln!("  {}) {}", option.code, option.label.get(Lang::Nl));
            }
        }
        let answer = prompt_line("antwoord / answer (terug/back): ")?;
        if matches!(answer.as_str(), "terug" | "back") {
            filler.back();
            continue;
        }
        if let Err(e) = filler.answer_input(&answer) {
            eprintln!("{e}");
        }
    }
    filler
        .finish(now)
        .map_err(|e| CliError::Usage(format!("{e}")))
}

fn prompt_line(q: &str) -> Result<String, CliError> {
    use std::io::{BufRead as _, Write as _};
    eprint!("{q}");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|source| CliError::Io {
            path: "stdin".into(),
            source,
        })?;
    if line.is_empty() {
        return Err(CliError::Usage("invoer gestopt / input ended".into()));
    }
    Ok(line.trim().to_owned())
}

/// Every stored score, the latest first per instrument, with the trend over time.
fn results(ctx: &Ctx, catalog: &Catalog) -> Result<(), CliError> {
    let (_, items) = owner::opened(ctx)?;
    let sheets: Vec<questionnaires::ScoreSheet> = items
        .iter()
        .filter(|i| i.envelope.kind == ItemKind::Observation)
        .filter_map(|i| catalog.read_observation(&i.envelope.body).ok())
        .collect();
    let trends: Vec<String> = catalog
        .list()
        .iter()
        .filter(|instrument| sheets.iter().any(|s| s.instrument() == instrument.key()))
        .map(|instrument| questionnaires::Trend::new(instrument, &sheets).summary(Lang::Nl))
        .collect();
    let summaries: Vec<String> = sheets.iter().map(|s| s.summary(Lang::Nl)).collect();
    ctx.emit(
        || {
            if summaries.is_empty() {
                return "Nog geen uitslagen / no results yet: `rugzak vragenlijst fill pss-10`"
                    .into();
            }
            format!(
                "{}\n\nTrend:\n{}",
                summaries.join("\n\n"),
                trends.join("\n")
            )
        },
        json!({"results": summaries, "trends": trends}),
    );
    Ok(())
}
