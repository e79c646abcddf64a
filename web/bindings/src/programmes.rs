//! Psycho-education programmes in the web app: the list with the shipped rules' suggestions and
//! why (from every score stored), one programme with its steps and the person's progress, and
//! the changes (start, step done, reflection), each stored as a new encrypted progress record
//! (as the CLI's `programma`; the newest record counts).

use crypto::{ItemKind, Scope};
use questionnaires::{Catalog, Programme, Progress, ProgressError};
use serde_json::{json, Value};
use vault_client::{Api, NewItem, Owner};
use wasm_bindgen::prelude::*;

use crate::{now, q_lang, run, texts, Failure, Rugzak, Session};

fn builtin() -> Result<Vec<Programme>, Failure> {
    Programme::builtin().map_err(|_| Failure::code("internal"))
}

fn find(list: Vec<Programme>, id: &str) -> Result<Programme, Failure> {
    list.into_iter()
        .find(|p| p.id == id)
        .ok_or_else(|| Failure::code("unknown_programme"))
}

/// The opened items of the vault.
async fn items(s: &mut Session) -> Result<Vec<crypto::OpenedItem>, Failure> {
    let api = Api::new(&s.transport, &s.identity, &now);
    Ok(Owner::new(&api, &s.identity).items(&mut s.state).await?)
}

/// Every programme: title, summary, steps, progress when started, and whether (and why) the
/// shipped rules suggest it from the scores stored.
fn list_view(list: &[Programme], items: &[crypto::OpenedItem]) -> Result<Value, Failure> {
    let lang = q_lang();
    let catalog = Catalog::builtin().map_err(|_| Failure::code("internal"))?;
    let sheets = vault_client::view::stored_sheets(items, &catalog);
    let advice = questionnaires::suggestions(&sheets).map_err(|_| Failure::code("internal"))?;
    let progress = vault_client::view::latest_progress(items);
    let rows: Vec<Value> = list
        .iter()
        .map(|p| {
            let why: Vec<String> = advice
                .iter()
                .filter(|s| s.programme.as_deref() == Some(p.id.as_str()))
                .flat_map(|s| s.reasons.iter().map(|r| r.describe(lang)))
                .collect();
            let report = progress
                .iter()
                .find(|x| x.programme == p.id)
                .map(|x| x.report(p));
            json!({
                "id": p.id,
                "title": p.title.get(lang),
                "summary": p.summary.get(lang),
                "example": p.example,
                "steps": p.step_count(),
                "suggested": !why.is_empty(),
                "why": why,
                "done": report.as_ref().map(|r| r.done),
            })
        })
        .collect();
    // Advice that is not a programme (the crisis line, the huisarts) comes first, as the rules
    // order it.
    let other: Vec<String> = advice
        .iter()
        .filter(|s| s.programme.is_none())
        .map(|s| s.describe(lang, list))
        .collect();
    Ok(json!({"programmes": rows, "advice": other}))
}

/// One programme: modules with their steps (text, exercise, question, check-in, done,
/// reflections) and the overall progress.
fn programme_view(p: &Programme, progress: Option<&Progress>) -> Value {
    let lang = q_lang();
    let t = texts();
    let mut number = 0;
    let modules: Vec<Value> = p
        .modules
        .iter()
        .map(|m| {
            let steps: Vec<Value> = m
                .steps
                .iter()
                .map(|s| {
                    number += 1;
                    let reflections: Vec<Value> = progress
                        .into_iter()
                        .flat_map(|x| x.reflections_on(&s.id))
                        .map(|r| json!({"when": t.date(r.written), "text": r.text}))
                        .collect();
                    json!({
                        "id": s.id,
                        "number": number,
                        "title": s.title.get(lang),
                        "text": s.text().get(lang),
                        "exercise": s.exercise().map(|x| x.get(lang)),
                        "question": s.question().map(|x| x.get(lang)),
                        "check_in": s.check_in(),
                        "done": progress.is_some_and(|x| x.done.contains_key(&s.id)),
                        "reflections": reflections,
                    })
                })
                .collect();
            json!({"id": m.id, "title": m.title.get(lang), "steps": steps})
        })
        .collect();
    let report = progress.map(|x| x.report(p));
    json!({
        "id": p.id,
        "title": p.title.get(lang),
        "summary": p.summary.get(lang),
        "example": p.example,
        "started": progress.is_some(),
        "done": report.as_ref().map_or(0, |r| r.done),
        "total": p.step_count(),
        "next_step": report.and_then(|r| r.next_step),
        "modules": modules,
    })
}

fn progress_failure(e: &ProgressError) -> Failure {
    Failure::code(match e {
        ProgressError::EmptyReflection => "empty_note",
        ProgressError::NotAReflection(_) | ProgressError::UnknownStep(_) => "unknown_step",
        _ => "internal",
    })
}

/// What changes a programme's progress.
enum Change {
    Start,
    Done(String),
    Reflect(String, String),
}

/// Applies `change` to the newest progress of programme `id`, stores the new record, and
/// answers the programme view.
async fn change(s: &mut Session, id: &str, change: Change) -> Result<Value, Failure> {
    let programme = find(builtin()?, id)?;
    let items = items(s).await?;
    let current = vault_client::view::latest_progress(&items)
        .into_iter()
        .find(|p| p.programme == programme.id);
    let mut progress = match (current, &change) {
        (Some(p), _) => p,
        (None, Change::Start) => Progress::start(&programme, now()),
        (None, _) => return Err(Failure::code("programme_not_started")),
    };
    match &change {
        Change::Start => {}
        Change::Done(step) => progress
            .mark_done(&programme, step, now())
            .map_err(|e| progress_failure(&e))?,
        Change::Reflect(step, text) => progress
            .add_reflection(&programme, step, text, now())
            .map_err(|e| progress_failure(&e))?,
    }
    let body = progress.to_json().map_err(|_| Failure::code("internal"))?;
    let api = Api::new(&s.transport, &s.identity, &now);
    Owner::new(&api, &s.identity)
        .add(
            &mut s.state,
            vec![NewItem {
                scope: Scope::Programmas,
                kind: ItemKind::ProgrammeProgress,
                body,
            }],
        )
        .await?;
    Ok(programme_view(&programme, Some(&progress)))
}

#[wasm_bindgen]
impl Rugzak {
    /// Every programme with progress and the suggestions (and why) from the scores stored.
    pub fn programmes(&self) -> js_sys::Promise {
        run(&self.inner, |mut s| async move {
            let out = async {
                let items = items(&mut s).await?;
                list_view(&builtin()?, &items)
            }
            .await;
            (s, out)
        })
    }

    /// One programme with its steps and the person's progress.
    pub fn programme(&self, id: String) -> js_sys::Promise {
        run(&self.inner, move |mut s| async move {
            let out = async {
                let programme = find(builtin()?, &id)?;
                let items = items(&mut s).await?;
                let progress = vault_client::view::latest_progress(&items)
                    .into_iter()
                    .find(|p| p.programme == programme.id);
                Ok(programme_view(&programme, progress.as_ref()))
            }
            .await;
            (s, out)
        })
    }

    /// Starts programme `id` (a second start keeps the progress).
    #[wasm_bindgen(js_name = programmeStart)]
    pub fn programme_start(&self, id: String) -> js_sys::Promise {
        run(&self.inner, move |mut s| async move {
            let out = change(&mut s, &id, Change::Start).await;
            (s, out)
        })
    }

    /// Marks step `step` of programme `id` done.
    #[wasm_bindgen(js_name = programmeDone)]
    pub fn programme_done(&self, id: String, step: String) -> js_sys::Promise {
        run(&self.inner, move |mut s| async move {
            let out = change(&mut s, &id, Change::Done(step)).await;
            (s, out)
        })
    }

    /// Keeps a reflection on step `step` of programme `id` (and marks the step done).
    #[wasm_bindgen(js_name = programmeReflect)]
    pub fn programme_reflect(&self, id: String, step: String, text: String) -> js_sys::Promise {
        run(&self.inner, move |mut s| async move {
            let out = change(&mut s, &id, Change::Reflect(step, text)).await;
            (s, out)
        })
    }
}
