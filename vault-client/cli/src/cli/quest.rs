//! Questionnaire commands: list, fill (from a file or one question at a time), results, and
//! charts (`grafiek`, in `chart.rs`); the programme commands live in `programme.rs`.
//!
//! Every text for people comes from the Fluent files (`quest-*`, `chart-*`, `programme-*`) in
//! the one language chosen with `--lang`; the instruments' own texts (titles, questions, option
//! labels, score names, reasons of the suggestion rules) come from the questionnaires crate in
//! that same language. `--json` prints scores as [`questionnaires::ScoreReport`] objects
//! (schema `rugzak-score/1`, plain numbers) and suggestions as objects with their reasons.

#[path = "chart.rs"]
mod chart;
#[path = "programme.rs"]
mod prog;

use questionnaires::{
    AnswerKind, Catalog, Completed, Filler, Lang, Programme, ScoreSheet, Suggestion, SuggestionKind,
};
use rugzak_i18n::{Arg, Texts};
use serde_json::{json, Value};

use crate::time;

use super::args::{ProgrammaCommand, VragenlijstCommand};
use super::{owner, CliError, Ctx};

/// `rugzak programma ...` (see `programme.rs`).
pub fn programme(ctx: &Ctx, c: ProgrammaCommand) -> Result<(), CliError> {
    prog::run(ctx, c)
}

pub fn run(ctx: &Ctx, c: VragenlijstCommand) -> Result<(), CliError> {
    let catalog = catalog()?;
    match c {
        VragenlijstCommand::List => list(ctx, &catalog),
        VragenlijstCommand::Fill { key, answers } => fill(ctx, &catalog, &key, answers),
        VragenlijstCommand::Results => results(ctx, &catalog),
        VragenlijstCommand::Grafiek { key, out, measure } => {
            chart::run(ctx, &catalog, &key, out, measure.as_deref())
        }
    }
}

/// The shipped instruments.
fn catalog() -> Result<Catalog, CliError> {
    Catalog::builtin()
        .map_err(|e| CliError::Usage(format!("internal error: shipped questionnaires: {e}")))
}

/// The shipped programmes.
fn programmes() -> Result<Vec<Programme>, CliError> {
    Programme::builtin()
        .map_err(|e| CliError::Usage(format!("internal error: shipped programmes: {e}")))
}

/// The instrument with `key`, or a message naming the command that lists them.
fn instrument<'c>(
    ctx: &Ctx,
    catalog: &'c Catalog,
    key: &str,
) -> Result<&'c questionnaires::Instrument, CliError> {
    catalog
        .get(key)
        .ok_or_else(|| CliError::Usage(ctx.t().fmt("quest-unknown", &[("key", Arg::from(key))])))
}

fn list(ctx: &Ctx, catalog: &Catalog) -> Result<(), CliError> {
    let lang = ctx.q_lang();
    let t = ctx.t();
    let rows: Vec<Value> = catalog
        .list()
        .iter()
        .map(|i| {
            json!({
                "key": i.key(),
                "title": i.title().get(lang),
                "questions": i.questions().iter().filter(|q| !q.is_method).count(),
            })
        })
        .collect();
    ctx.emit(
        || {
            let mut lines = vec![t.get("quest-list-title")];
            lines.extend(
                catalog
                    .list()
                    .iter()
                    .map(|i| format!("  {:<27} {}", i.key(), i.title().get(lang))),
            );
            lines.push(String::new());
            lines.push(t.get("quest-list-hint"));
            lines.join("\n")
        },
        json!({"questionnaires": rows}),
    );
    Ok(())
}

fn fill(
    ctx: &Ctx,
    catalog: &Catalog,
    key: &str,
    answers: Option<std::path::PathBuf>,
) -> Result<(), CliError> {
    let t = ctx.t();
    let instrument = instrument(ctx, catalog, key)?.clone();
    let now = time::now();
    let done = match answers {
        Some(path) => {
            let text = std::fs::read_to_string(&path).map_err(|source| CliError::Io {
                path: path.clone(),
                source,
            })?;
            Completed::from_answers_json(instrument, &text, now).map_err(|e| {
                CliError::Usage(t.fmt("quest-bad-answers", &[("reason", Arg::from(e.to_string()))]))
            })?
        }
        None => interactive(ctx, instrument, now)?,
    };
    let sheet = done
        .score()
        .map_err(|e| CliError::Usage(format!("score: {e}")))?;
    let items = vault_client::view::questionnaire_items(&done, &sheet)
        .map_err(|_| CliError::Usage("internal error: FHIR encoding".into()))?;
    for item in items {
        owner::add(ctx, item)?;
    }
    // Suggestions rest on the latest sheet of every instrument, this one included.
    let mut all = stored_sheets(ctx, catalog)?;
    all.push(sheet.clone());
    let advice = suggest(&all)?;
    let list = programmes()?;
    ctx.emit(
        || {
            format!(
                "{}\n\n{}\n\n{}",
                t.get("quest-saved"),
                score_text(t, ctx.q_lang(), &sheet),
                advice_text(t, ctx.q_lang(), &advice, &list)
            )
        },
        json!({
            "saved": true,
            "score": sheet.report(),
            "suggestions": suggestions_json(ctx.q_lang(), &advice),
        }),
    );
    Ok(())
}

/// The answer scale of a question in one language: the options with their codes, or the range.
fn scale_text(t: &Texts, lang: Lang, question: &questionnaires::Question) -> Vec<String> {
    let mut lines = Vec::new();
    match &question.kind {
        AnswerKind::Choice(options) => {
            lines.push(t.get("quest-options"));
            for option in options {
                lines.push(format!("  {} = {}", option.code, option.label.get(lang)));
            }
        }
        AnswerKind::Integer {
            min: Some(min),
            max: Some(max),
        } => lines.push(t.fmt(
            "quest-range",
            &[("min", Arg::from(*min)), ("max", Arg::from(*max))],
        )),
        AnswerKind::Integer { .. } => lines.push(t.get("quest-range-any")),
        AnswerKind::String | AnswerKind::Text => lines.push(t.get("quest-free-text")),
        AnswerKind::Boolean => lines.push(t.get("quest-yes-no")),
    }
    if !question.must_answer() {
        lines.push(t.get("quest-optional"));
    }
    lines
}

/// One question at a time on the terminal, in the chosen language, each with its answer
/// scale; the word for "back" (`terug` / `back`) goes back a question.
fn interactive(
    ctx: &Ctx,
    instrument: questionnaires::Instrument,
    now: i64,
) -> Result<Completed, CliError> {
    let (t, lang) = (ctx.t(), ctx.q_lang());
    let mut filler = Filler::new(instrument);
    eprintln!("{}", filler.instrument().title().get(lang));
    while let Some(question) = filler.current().cloned() {
        let at = filler.position();
        eprintln!();
        for line in &question.preamble {
            eprintln!("{}", line.get(lang));
        }
        eprintln!(
            "{}",
            t.fmt(
                "quest-question",
                &[
                    ("number", Arg::from(at.number)),
                    ("count", Arg::from(at.count)),
                    ("text", Arg::from(question.text.get(lang))),
                ]
            )
        );
        for line in scale_text(t, lang, &question) {
            eprintln!("{line}");
        }
        let answer = prompt_line(t, &t.get("quest-answer-prompt"))?;
        // Either language's word for "back" works, whichever language the questions are in.
        let back = [rugzak_i18n::Lang::Nl, rugzak_i18n::Lang::En]
            .map(|l| Texts::global(l).get("quest-back-word"));
        if back.iter().any(|w| answer.eq_ignore_ascii_case(w)) {
            filler.back();
            continue;
        }
        let result = if answer.is_empty() && !question.must_answer() {
            filler.skip()
        } else {
            filler.answer_input(&answer)
        };
        if result.is_err() {
            eprintln!("{}", t.get("quest-invalid-answer"));
        }
    }
    filler.finish(now).map_err(|e| {
        CliError::Usage(t.fmt("quest-bad-answers", &[("reason", Arg::from(e.to_string()))]))
    })
}

fn prompt_line(t: &Texts, q: &str) -> Result<String, CliError> {
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
        return Err(CliError::Usage(t.get("quest-input-ended")));
    }
    Ok(line.trim().to_owned())
}

/// Every score sheet stored in the vault (unreadable ones are left out).
fn stored_sheets(ctx: &Ctx, catalog: &Catalog) -> Result<Vec<ScoreSheet>, CliError> {
    let (_, items) = owner::opened(ctx)?;
    Ok(vault_client::view::stored_sheets(&items, catalog))
}

/// The suggestions of the shipped rules for `sheets`.
fn suggest(sheets: &[ScoreSheet]) -> Result<Vec<Suggestion>, CliError> {
    questionnaires::suggestions(sheets)
        .map_err(|e| CliError::Usage(format!("internal error: suggestion rules: {e}")))
}

/// A score sheet for people: title and date, then every score with its range, band, level or
/// gap, one a line.
fn score_text(t: &Texts, lang: Lang, sheet: &ScoreSheet) -> String {
    let mut lines = vec![t.fmt(
        "quest-score-title",
        &[
            ("title", Arg::from(sheet.title().get(lang))),
            ("date", Arg::from(t.date(sheet.effective()))),
        ],
    )];
    if sheet.self_rated() {
        lines.push(t.get("quest-self-rated"));
    }
    let mut banded = false;
    for m in sheet.total().into_iter().chain(sheet.parts()) {
        let mut line = format!(
            "  {}",
            t.fmt(
                "quest-score-line",
                &[
                    ("label", Arg::from(m.label.get(lang))),
                    ("value", Arg::from(m.value.display(lang))),
                    ("min", Arg::from(m.min.display(lang))),
                    ("max", Arg::from(m.max.display(lang))),
                ],
            )
        );
        if let Some(band) = &m.band {
            banded = true;
            line.push_str(" — ");
            line.push_str(band.label.get(lang));
        }
        if let Some(level) = &m.level {
            line.push_str(" — ");
            line.push_str(level.get(lang));
        }
        if m.gap {
            line.push_str(" — ");
            line.push_str(&t.get("quest-gap"));
        }
        lines.push(line);
    }
    if banded {
        lines.push(t.get("quest-band-note"));
    }
    lines.join("\n")
}

/// The advice itself (contact the huisarts, 113, or a programme by title).
fn advice_line(t: &Texts, lang: Lang, s: &Suggestion, programmes: &[Programme]) -> String {
    match s.kind {
        SuggestionKind::CrisisLine => t.get("quest-advice-crisis-line"),
        SuggestionKind::ContactGp => t.get("quest-advice-contact-gp"),
        SuggestionKind::Programme => {
            let id = s.programme.clone().unwrap_or_default();
            let title = programmes
                .iter()
                .find(|p| p.id == id)
                .map_or_else(|| id.clone(), |p| p.title.get(lang).to_owned());
            t.fmt(
                "quest-advice-programme",
                &[("title", Arg::from(title)), ("id", Arg::from(id))],
            )
        }
    }
}

/// Why: the rule's reason and the score it rests on.
fn reason_line(t: &Texts, lang: Lang, r: &questionnaires::Reason) -> String {
    let s = &r.score;
    let value = s.value_text(lang);
    t.fmt(
        "quest-reason",
        &[
            ("reason", Arg::from(r.text.get(lang))),
            ("instrument", Arg::from(s.instrument_title.get(lang))),
            ("measure", Arg::from(s.measure_label.get(lang))),
            ("value", Arg::from(value)),
            ("date", Arg::from(t.date(s.at))),
        ],
    )
}

/// The suggestions for people, numbered; safety advice (113, the huisarts) comes first, as
/// [`questionnaires::suggestions`] orders them.
fn advice_text(t: &Texts, lang: Lang, advice: &[Suggestion], programmes: &[Programme]) -> String {
    if advice.is_empty() {
        return t.get("quest-no-advice");
    }
    let mut lines = vec![t.get("quest-advice-title")];
    lines.extend(advice_lines(t, lang, advice, programmes));
    lines.join("\n")
}

/// The numbered suggestions, each followed by its reasons.
fn advice_lines(
    t: &Texts,
    lang: Lang,
    advice: &[Suggestion],
    programmes: &[Programme],
) -> Vec<String> {
    let mut lines = Vec::new();
    for (n, s) in advice.iter().enumerate() {
        lines.push(format!(
            "{}. {}",
            n + 1,
            advice_line(t, lang, s, programmes)
        ));
        for r in &s.reasons {
            lines.push(format!("   - {}", reason_line(t, lang, r)));
        }
    }
    lines
}

/// Suggestions as JSON objects: the crate's serialised form (kind, programme, reasons with the
/// score each rests on as numbers) plus `advice`, the advice in the chosen language.
fn suggestions_json(lang: Lang, advice: &[Suggestion]) -> Vec<Value> {
    let programmes = programmes().unwrap_or_default();
    let t = Texts::global(match lang {
        Lang::Nl => rugzak_i18n::Lang::Nl,
        Lang::En => rugzak_i18n::Lang::En,
    });
    advice
        .iter()
        .map(|s| {
            let mut v = serde_json::to_value(s).unwrap_or(Value::Null);
            if let Some(o) = v.as_object_mut() {
                o.insert(
                    "advice".into(),
                    Value::String(advice_line(t, lang, s, &programmes)),
                );
            }
            v
        })
        .collect()
}

/// Every stored score, per instrument oldest first, with the course over time and the
/// suggestions from the latest scores.
fn results(ctx: &Ctx, catalog: &Catalog) -> Result<(), CliError> {
    let (t, lang) = (ctx.t(), ctx.q_lang());
    let mut sheets = stored_sheets(ctx, catalog)?;
    sheets.sort_by_key(ScoreSheet::effective);
    let advice = suggest(&sheets)?;
    let list = programmes()?;
    let mut trends = Vec::new();
    let mut trend_lines = Vec::new();
    for instrument in catalog.list() {
        let of: Vec<&ScoreSheet> = sheets
            .iter()
            .filter(|s| s.instrument() == instrument.key())
            .collect();
        if of.len() < 2 {
            continue;
        }
        let trend = questionnaires::Trend::new(instrument, &sheets);
        let mut series = Vec::new();
        for s in &trend.series {
            let points: Vec<String> = s.points.iter().map(|p| p.value.display(lang)).collect();
            trend_lines.push(t.fmt(
                "quest-trend-line",
                &[
                    ("title", Arg::from(trend.title.get(lang))),
                    ("label", Arg::from(s.label.get(lang))),
                    ("points", Arg::from(points.join(" → "))),
                ],
            ));
            series.push(json!({
                "measure": s.key,
                "points": s.points.iter().map(|p| json!({"at": p.at, "value": p.value})).collect::<Vec<_>>(),
            }));
        }
        trends.push(json!({"instrument": instrument.key(), "series": series}));
    }
    ctx.emit(
        || {
            if sheets.is_empty() {
                return t.get("quest-no-results");
            }
            let mut parts = vec![t.get("quest-results-title")];
            parts.extend(sheets.iter().map(|s| score_text(t, lang, s)));
            if !trend_lines.is_empty() {
                parts.push(format!(
                    "{}\n{}",
                    t.get("quest-trend"),
                    trend_lines.join("\n")
                ));
            }
            parts.push(advice_text(t, lang, &advice, &list));
            parts.join("\n\n")
        },
        json!({
            "results": sheets.iter().map(ScoreSheet::report).collect::<Vec<_>>(),
            "trends": trends,
            "suggestions": suggestions_json(lang, &advice),
        }),
    );
    Ok(())
}
