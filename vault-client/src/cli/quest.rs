//! Questionnaire commands: list, fill (from a file or one question at a time), results.

use questionnaires::{Catalog, Completed, Filler, Lang};
use serde_json::json;
use vault_client::{time, NewItem};

use crypto::{ItemKind, Scope};

use super::args::{ProgrammaCommand, VragenlijstCommand};
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

fn programmes() -> Result<Vec<questionnaires::Programme>, CliError> {
    questionnaires::Programme::builtin()
        .map_err(|e| CliError::Usage(format!("internal error: shipped programmes: {e}")))
}

fn find<'p>(
    list: &'p [questionnaires::Programme],
    id: &str,
) -> Result<&'p questionnaires::Programme, CliError> {
    list.iter().find(|p| p.id == id).ok_or_else(|| {
        CliError::Usage(format!(
            "onbekend programma {id} / unknown programme {id}: see `rugzak programma list`"
        ))
    })
}

/// The latest stored progress of every programme (progress items are whole records; the
/// newest one counts).
fn progress(ctx: &Ctx) -> Result<Vec<questionnaires::Progress>, CliError> {
    let (_, items) = owner::opened(ctx)?;
    let mut latest: std::collections::BTreeMap<String, (i64, questionnaires::Progress)> =
        std::collections::BTreeMap::new();
    for item in items
        .iter()
        .filter(|i| i.envelope.kind == ItemKind::ProgrammeProgress)
    {
        if let Ok(p) = questionnaires::Progress::from_json(&item.envelope.body) {
            let created = item.envelope.created;
            if latest.get(&p.programme).is_none_or(|(t, _)| *t <= created) {
                latest.insert(p.programme.clone(), (created, p));
            }
        }
    }
    Ok(latest.into_values().map(|(_, p)| p).collect())
}

fn store(ctx: &Ctx, p: &questionnaires::Progress) -> Result<(), CliError> {
    let body = p
        .to_json()
        .map_err(|_| CliError::Usage("internal error: progress encoding".into()))?;
    owner::add(
        ctx,
        NewItem {
            scope: Scope::Programmas,
            kind: ItemKind::ProgrammeProgress,
            body,
        },
    )
    .map(drop)
}

pub fn programme(ctx: &Ctx, c: ProgrammaCommand) -> Result<(), CliError> {
    let list = programmes()?;
    let change = |id: &str,
                  f: &dyn Fn(
        &mut questionnaires::Progress,
        &questionnaires::Programme,
    ) -> Result<(), questionnaires::ProgressError>|
     -> Result<(), CliError> {
        let programme = find(&list, id)?;
        let mut p = progress(ctx)?
            .into_iter()
            .find(|p| p.programme == id)
            .ok_or_else(|| {
                CliError::Usage(format!(
                    "programma {id} is nog niet begonnen / not started: `rugzak programma start {id}`"
                ))
            })?;
        f(&mut p, programme).map_err(|e| CliError::Usage(e.to_string()))?;
        store(ctx, &p)?;
        let summary = p.summary(programme, Lang::Nl);
        ctx.emit(
            || summary.clone(),
            json!({"programme": id, "summary": summary}),
        );
        Ok(())
    };
    match c {
        ProgrammaCommand::List => {
            ctx.emit(
                || {
                    list.iter()
                        .map(|p| {
                            format!(
                                "{:<12} {}{}",
                                p.id,
                                p.title.get(Lang::Nl),
                                if p.example { " (voorbeeld / example)" } else { "" }
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                },
                json!({"programmes": list.iter().map(|p| json!({"id": p.id, "title": p.title.get(Lang::Nl), "example": p.example})).collect::<Vec<_>>()}),
            );
            Ok(())
        }
        ProgrammaCommand::Start { programme } => {
            let found = find(&list, &programme)?;
            let p = questionnaires::Progress::start(found, time::now());
            store(ctx, &p)?;
            let next = p
                .next_step(found)
                .map(|(_, s)| format!("{} ({})", s.title.get(Lang::Nl), s.id))
                .unwrap_or_default();
            ctx.emit(
                || {
                    format!(
                        "Begonnen / started: {}\nVolgende stap / next step: {next}",
                        found.title.get(Lang::Nl)
                    )
                },
                json!({"programme": programme, "next": next}),
            );
            Ok(())
        }
        ProgrammaCommand::Done { programme, step } => {
            let now = time::now();
            change(&programme, &|p, prog| p.mark_done(prog, &step, now))
        }
        ProgrammaCommand::Reflect {
            programme,
            step,
            text,
        } => {
            let now = time::now();
            change(&programme, &|p, prog| {
                p.add_reflection(prog, &step, &text, now)
            })
        }
        ProgrammaCommand::Status => {
            let all = progress(ctx)?;
            let summaries: Vec<String> = all
                .iter()
                .filter_map(|p| {
                    let prog = list.iter().find(|x| x.id == p.programme)?;
                    Some(p.summary(prog, Lang::Nl))
                })
                .collect();
            ctx.emit(
                || {
                    if summaries.is_empty() {
                        "Nog geen programma begonnen / no programme started: `rugzak programma list`".into()
                    } else {
                        summaries.join("\n\n")
                    }
                },
                json!({"programmes": summaries}),
            );
            Ok(())
        }
    }
}
