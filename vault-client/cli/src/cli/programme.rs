//! `rugzak programma`: list (with suggestions from the latest scores), show a programme or a
//! step, start, done, reflect, status.
//!
//! **Where a reflection is kept.** A written reflection lives inside the programme's progress
//! record ([`questionnaires::Progress`], format `rugzak-voortgang/1`, its `reflections` list),
//! not as a separate item of kind `reflection`. Every change (start, done, reflect) stores the
//! whole record again as a new vault item of kind `programme-progress` in scope `programmas`,
//! encrypted like every item; the newest record of a programme counts. So the steps done and
//! the reflections always travel together, a reader granted `programmas` sees both, and
//! [`questionnaires::Progress::report`] can say which reflection steps have an answer.

use questionnaires::{Lang, Module, Programme, Progress, ProgressError, Step};
use rugzak_i18n::{Arg, Texts};
use serde_json::{json, Value};
use vault_client::NewItem;

use crate::time;

use crypto::{ItemKind, Scope};

use super::super::args::ProgrammaCommand;
use super::super::{owner, CliError, Ctx};
use super::{advice_lines, catalog, programmes, stored_sheets, suggest, suggestions_json};

pub fn run(ctx: &Ctx, c: ProgrammaCommand) -> Result<(), CliError> {
    let list = programmes()?;
    match c {
        ProgrammaCommand::List => list_all(ctx, &list),
        ProgrammaCommand::Show { programme, step } => {
            show(ctx, find(ctx, &list, &programme)?, step.as_deref())
        }
        ProgrammaCommand::Start { programme } => start(ctx, find(ctx, &list, &programme)?),
        ProgrammaCommand::Done { programme, step } => {
            let found = find(ctx, &list, &programme)?;
            let step = place(ctx, found, &step)?.2.id.clone();
            let now = time::now();
            change(ctx, found, |p| p.mark_done(found, &step, now), "")
        }
        ProgrammaCommand::Reflect {
            programme,
            step,
            text,
        } => {
            let found = find(ctx, &list, &programme)?;
            let step = place(ctx, found, &step)?.2.id.clone();
            let now = time::now();
            let saved = ctx.t().get("programme-reflection-saved");
            change(
                ctx,
                found,
                |p| p.add_reflection(found, &step, &text, now),
                &saved,
            )
        }
        ProgrammaCommand::Status => status(ctx, &list),
    }
}

fn find<'p>(ctx: &Ctx, list: &'p [Programme], id: &str) -> Result<&'p Programme, CliError> {
    list.iter()
        .find(|p| p.id == id)
        .ok_or_else(|| CliError::Usage(ctx.t().fmt("programme-unknown", &[("id", Arg::from(id))])))
}

/// The step named by its id or by its number (1 is the first step of the programme), with its
/// number and module.
fn place<'p>(
    ctx: &Ctx,
    programme: &'p Programme,
    step: &str,
) -> Result<(usize, &'p Module, &'p Step), CliError> {
    let by_number = step.parse::<usize>().ok();
    programme
        .steps()
        .enumerate()
        .find(|(i, (_, s))| s.id == step || by_number == Some(i + 1))
        .map(|(i, (m, s))| (i + 1, m, s))
        .ok_or_else(|| {
            CliError::Usage(ctx.t().fmt(
                "programme-unknown-step",
                &[("id", Arg::from(&programme.id)), ("step", Arg::from(step))],
            ))
        })
}

/// The newest stored progress record of every programme.
fn progress(ctx: &Ctx) -> Result<Vec<Progress>, CliError> {
    let (_, items) = owner::opened(ctx)?;
    Ok(vault_client::view::latest_progress(&items))
}

fn progress_of(ctx: &Ctx, id: &str) -> Result<Option<Progress>, CliError> {
    Ok(progress(ctx)?.into_iter().find(|p| p.programme == id))
}

/// Stores the whole record as a new encrypted item (the newest counts).
fn store(ctx: &Ctx, p: &Progress) -> Result<(), CliError> {
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

/// A progress error in the chosen language.
fn progress_error(t: &Texts, programme: &Programme, e: &ProgressError) -> CliError {
    CliError::Usage(match e {
        ProgressError::NotAReflection(step) => {
            t.fmt("programme-not-reflection", &[("step", Arg::from(step))])
        }
        ProgressError::EmptyReflection => t.get("programme-empty-reflection"),
        ProgressError::UnknownStep(step) => t.fmt(
            "programme-unknown-step",
            &[("id", Arg::from(&programme.id)), ("step", Arg::from(step))],
        ),
        other => other.to_string(),
    })
}

/// Applies `f` to the stored progress, stores it again and shows the status.
fn change(
    ctx: &Ctx,
    programme: &Programme,
    f: impl FnOnce(&mut Progress) -> Result<(), ProgressError>,
    note: &str,
) -> Result<(), CliError> {
    let t = ctx.t();
    let mut p = progress_of(ctx, &programme.id)?.ok_or_else(|| {
        CliError::Usage(t.fmt("programme-not-started", &[("id", Arg::from(&programme.id))]))
    })?;
    f(&mut p).map_err(|e| progress_error(t, programme, &e))?;
    store(ctx, &p)?;
    ctx.emit(
        || {
            let status = status_text(t, ctx.q_lang(), programme, &p);
            if note.is_empty() {
                status
            } else {
                format!("{note}\n\n{status}")
            }
        },
        status_json(ctx.q_lang(), programme, &p),
    );
    Ok(())
}

fn list_all(ctx: &Ctx, list: &[Programme]) -> Result<(), CliError> {
    let (t, lang) = (ctx.t(), ctx.q_lang());
    let catalog = catalog()?;
    let advice = suggest(&stored_sheets(ctx, &catalog)?)?;
    let suggested = |id: &str| advice.iter().any(|s| s.programme.as_deref() == Some(id));
    let rows: Vec<Value> = list
        .iter()
        .map(|p| {
            json!({
                "id": p.id,
                "title": p.title.get(lang),
                "summary": p.summary.get(lang),
                "example": p.example,
                "steps": p.step_count(),
                "suggested": suggested(&p.id),
            })
        })
        .collect();
    ctx.emit(
        || {
            let mut lines = vec![t.get("programme-list-title")];
            for p in list {
                let mut line = format!("  {:<12} {}", p.id, p.title.get(lang));
                let marker = t.get("programme-example");
                if p.example && !p.title.get(lang).contains(&marker) {
                    line.push(' ');
                    line.push_str(&marker);
                }
                lines.push(line);
            }
            lines.push(String::new());
            lines.push(t.get("programme-show-any-hint"));
            lines.push(String::new());
            if advice.is_empty() {
                lines.push(t.get("programme-no-suggestions"));
            } else {
                lines.push(t.get("programme-suggested-title"));
                lines.extend(advice_lines(t, lang, &advice, list));
            }
            lines.join("\n")
        },
        json!({"programmes": rows, "suggestions": suggestions_json(lang, &advice)}),
    );
    Ok(())
}

/// One step in one language: its place, title, text, then the exercise, the question to reflect
/// on (with the answers written so far) or the check-in, and what to type next.
fn step_text(
    t: &Texts,
    lang: Lang,
    programme: &Programme,
    (number, module, step): (usize, &Module, &Step),
    progress: Option<&Progress>,
) -> String {
    let mut parts = vec![
        t.fmt(
            "programme-step-place",
            &[
                ("number", Arg::from(number)),
                ("total", Arg::from(programme.step_count())),
                ("module", Arg::from(module.title.get(lang))),
            ],
        ),
        format!("{}\n\n{}", step.title.get(lang), step.text().get(lang)),
    ];
    if let Some(exercise) = step.exercise() {
        parts.push(format!(
            "{}\n{}",
            t.get("programme-exercise"),
            exercise.get(lang)
        ));
    }
    if let Some(question) = step.question() {
        parts.push(format!(
            "{}\n{}",
            t.get("programme-question"),
            question.get(lang)
        ));
        let written: Vec<String> = progress
            .map(|p| {
                p.reflections_on(&step.id)
                    .map(|r| {
                        format!(
                            "  {}",
                            t.fmt(
                                "programme-reflection",
                                &[
                                    ("date", Arg::from(t.date(r.written))),
                                    ("text", Arg::from(&r.text)),
                                ],
                            )
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        if !written.is_empty() {
            parts.push(format!(
                "{}\n{}",
                t.get("programme-your-reflections"),
                written.join("\n")
            ));
        }
        parts.push(t.fmt(
            "programme-reflect-hint",
            &[
                ("id", Arg::from(&programme.id)),
                ("step", Arg::from(number)),
            ],
        ));
    }
    if let Some(key) = step.check_in() {
        parts.push(t.fmt("programme-check-in", &[("key", Arg::from(key))]));
    }
    if progress.is_some_and(|p| p.done.contains_key(&step.id)) {
        parts.push(t.get("programme-step-done"));
    } else if step.question().is_none() {
        parts.push(t.fmt(
            "programme-done-hint",
            &[
                ("id", Arg::from(&programme.id)),
                ("step", Arg::from(number)),
            ],
        ));
    }
    parts.join("\n\n")
}

fn show(ctx: &Ctx, programme: &Programme, step: Option<&str>) -> Result<(), CliError> {
    let (t, lang) = (ctx.t(), ctx.q_lang());
    let progress = progress_of(ctx, &programme.id)?;
    let done = |s: &Step| {
        progress
            .as_ref()
            .is_some_and(|p| p.done.contains_key(&s.id))
    };
    let Some(step) = step else {
        let steps: Vec<Value> = programme
            .steps()
            .enumerate()
            .map(|(i, (m, s))| {
                json!({"number": i + 1, "id": s.id, "module": m.id, "title": s.title.get(lang), "done": done(s)})
            })
            .collect();
        ctx.emit(
            || {
                let mut lines = vec![
                    programme.title.get(lang).to_owned(),
                    programme.summary.get(lang).to_owned(),
                ];
                for m in &programme.modules {
                    lines.push(String::new());
                    lines.push(m.title.get(lang).to_owned());
                    for (i, (_, s)) in programme
                        .steps()
                        .enumerate()
                        .filter(|(_, (sm, _))| sm.id == m.id)
                    {
                        let mark = if done(s) { "✓" } else { " " };
                        lines.push(format!("  {mark} {:>2}. {}", i + 1, s.title.get(lang)));
                    }
                }
                lines.push(String::new());
                lines.push(t.fmt("programme-show-hint", &[("id", Arg::from(&programme.id))]));
                lines.join("\n")
            },
            json!({
                "programme": programme.id,
                "title": programme.title.get(lang),
                "summary": programme.summary.get(lang),
                "example": programme.example,
                "started": progress.is_some(),
                "steps": steps,
            }),
        );
        return Ok(());
    };
    let at = place(ctx, programme, step)?;
    let (number, module, s) = at;
    let reflections: Vec<Value> = progress
        .iter()
        .flat_map(|p| p.reflections_on(&s.id))
        .map(|r| json!({"written": r.written, "text": r.text}))
        .collect();
    ctx.emit(
        || step_text(t, lang, programme, at, progress.as_ref()),
        json!({
            "programme": programme.id,
            "step": {
                "id": s.id,
                "number": number,
                "total": programme.step_count(),
                "module": {"id": module.id, "title": module.title.get(lang)},
                "title": s.title.get(lang),
                "text": s.text().get(lang),
                "exercise": s.exercise().map(|x| x.get(lang)),
                "question": s.question().map(|x| x.get(lang)),
                "check_in": s.check_in(),
                "done": done(s),
                "reflections": reflections,
            },
        }),
    );
    Ok(())
}

fn start(ctx: &Ctx, programme: &Programme) -> Result<(), CliError> {
    let t = ctx.t();
    let lang = ctx.q_lang();
    let title = Arg::from(programme.title.get(lang));
    let (p, message) = match progress_of(ctx, &programme.id)? {
        Some(p) => (p, t.fmt("programme-already-started", &[("title", title)])),
        None => {
            let p = Progress::start(programme, time::now());
            store(ctx, &p)?;
            (p, t.fmt("programme-started", &[("title", title)]))
        }
    };
    ctx.emit(
        || {
            let mut text = format!("{message}\n\n{}", status_text(t, lang, programme, &p));
            if let Some((i, (m, s))) = programme
                .steps()
                .enumerate()
                .find(|(_, (_, s))| !p.done.contains_key(&s.id))
            {
                text.push_str("\n\n");
                text.push_str(&step_text(t, lang, programme, (i + 1, m, s), Some(&p)));
            }
            text
        },
        status_json(lang, programme, &p),
    );
    Ok(())
}

/// Progress for people: steps done overall and per module, the next step, and the reflections.
fn status_text(t: &Texts, lang: Lang, programme: &Programme, p: &Progress) -> String {
    let report = p.report(programme);
    let mut lines = vec![t.fmt(
        "programme-progress",
        &[
            ("title", Arg::from(programme.title.get(lang))),
            ("done", Arg::from(report.done)),
            ("total", Arg::from(report.total)),
        ],
    )];
    for m in &report.modules {
        lines.push(format!(
            "  {}",
            t.fmt(
                "programme-module-progress",
                &[
                    ("module", Arg::from(m.title.get(lang))),
                    ("done", Arg::from(m.done)),
                    ("total", Arg::from(m.total)),
                ],
            )
        ));
    }
    match programme
        .steps()
        .enumerate()
        .find(|(_, (_, s))| Some(&s.id) == report.next_step.as_ref())
    {
        Some((i, (_, s))) => lines.push(t.fmt(
            "programme-next-step",
            &[
                ("step", Arg::from(s.title.get(lang))),
                ("id", Arg::from(&programme.id)),
                ("number", Arg::from(i + 1)),
            ],
        )),
        None => lines.push(t.get("programme-all-done")),
    }
    if !p.reflections.is_empty() {
        lines.push(t.get("programme-your-reflections"));
        for r in &p.reflections {
            let step = programme
                .step(&r.step)
                .map_or(r.step.as_str(), |s| s.title.get(lang));
            lines.push(format!(
                "  {step} — {}",
                t.fmt(
                    "programme-reflection",
                    &[
                        ("date", Arg::from(t.date(r.written))),
                        ("text", Arg::from(&r.text)),
                    ],
                )
            ));
        }
    }
    lines.join("\n")
}

/// Progress as JSON: [`questionnaires::ProgressReport`] plus the title and the reflections.
fn status_json(lang: Lang, programme: &Programme, p: &Progress) -> Value {
    let mut v = serde_json::to_value(p.report(programme)).unwrap_or(Value::Null);
    if let Some(o) = v.as_object_mut() {
        o.insert("title".into(), json!(programme.title.get(lang)));
        o.insert("started".into(), json!(p.started));
        o.insert(
            "reflections".into(),
            p.reflections
                .iter()
                .map(|r| json!({"step": r.step, "written": r.written, "text": r.text}))
                .collect(),
        );
    }
    v
}

fn status(ctx: &Ctx, list: &[Programme]) -> Result<(), CliError> {
    let (t, lang) = (ctx.t(), ctx.q_lang());
    let all: Vec<(&Programme, Progress)> = progress(ctx)?
        .into_iter()
        .filter_map(|p| Some((list.iter().find(|x| x.id == p.programme)?, p)))
        .collect();
    ctx.emit(
        || {
            if all.is_empty() {
                t.get("programme-none")
            } else {
                all.iter()
                    .map(|(prog, p)| status_text(t, lang, prog, p))
                    .collect::<Vec<_>>()
                    .join("\n\n")
            }
        },
        json!({"programmes": all.iter().map(|(prog, p)| status_json(lang, prog, p)).collect::<Vec<_>>()}),
    );
    Ok(())
}
