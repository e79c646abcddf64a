// The inwoner's screens: the rugzakje, questionnaires, notes, scanning a request, approving it,
// the grants and the access log.

import * as core from '../../dist/pkg/rugzak_web.js';
import { h, show, field } from './dom';
import { s, t, act, alertBox, busy, persist, go, keepView, keptView, offlineView, type Json } from './app';
import { scanInto } from './camera';
import { listingView } from './listing';
import { download } from './shared';

export async function overview(): Promise<void> {
  const content = h('div', {}, busy(t('web-loading')));
  show(
    h('h1', {}, t('web-overview-title')),
    h('div', { class: 'choices' },
      h('a', { class: 'button primary', href: '#/vragenlijsten' }, t('web-fill')),
      h('a', { class: 'button', href: '#/scannen' }, t('web-scan')),
      h('a', { class: 'button', href: '#/notitie' }, t('web-write-note')),
      h('a', { class: 'button', href: '#/programmas' }, t('web-programmes-title')),
    ),
    content,
  );
  try {
    // Marks for the measurement of opening a large rugzak (web/bench/open-10k.mjs).
    const t0 = performance.now();
    // The first time after unlocking, every item is opened and checked again, which takes a
    // while in a large rugzak: meanwhile the overview as this device kept it shows.
    const kept = freshShown.has(s.rz!) ? null : keptView('overview');
    if (kept) {
      content.replaceChildren(h('p', { class: 'muted', role: 'status', 'data-testid': 'refreshing' }, t('web-refreshing')),
        listingView(kept, partHref));
      performance.measure('rugzak:kept', { start: t0 });
    }
    const text = await s.rz!.overview(undefined);
    freshShown.add(s.rz!);
    performance.measure('rugzak:open', { start: t0 });
    content.replaceChildren(listingView(JSON.parse(text), partHref));
    performance.measure('rugzak:shown', { start: t0 });
    // Kept (sealed) for reading offline, after it is shown.
    keepView('overview', text);
    await persist();
  } catch (e) {
    content.replaceChildren(...offlineView(e, 'overview', (view) => listingView(view, partHref)));
  }
}

const partHref = (scope: string): string => `#/deel/${scope}`;

/// The unlocked rugzakken (handles) whose overview was made afresh in this session.
const freshShown = new WeakSet<object>();

/// One part of the rugzak, whole (the overview shows the newest of each part).
export async function partScreen(scope: string): Promise<void> {
  const content = h('div', {}, busy(t('web-loading')));
  show(h('h1', {}, t('web-overview-title')),
    h('p', {}, h('a', { href: '#/' }, t('web-back-to-overview'))),
    content);
  const key = `deel/${scope}`;
  try {
    const t0 = performance.now();
    const text = await s.rz!.overview(scope);
    content.replaceChildren(listingView(JSON.parse(text)));
    performance.measure('rugzak:part', { start: t0 });
    keepView(key, text);
    await persist();
  } catch (e) {
    content.replaceChildren(...offlineView(e, key, (view) => listingView(view)));
  }
}

export function questionnaireList(): void {
  const list = JSON.parse(core.questionnaires());
  show(h('h1', {}, t('web-fill')),
    h('ul', { class: 'plain' }, ...list.map((q: Json) =>
      h('li', {}, h('a', { class: 'button', href: `#/vragenlijst/${q.key}` }, q.title)))));
}

export function fill(key: string): void {
  const q = JSON.parse(core.questionnaire(key));
  const answers: Record<string, string | number | boolean | null> = {};
  let at = 0;
  const step = (): void => {
    const question = q.questions[at];
    const legend = h('legend', {}, `${question.prefix ? question.prefix + '. ' : ''}${question.text}`);
    let input: HTMLElement;
    const current = answers[question.link_id];
    if (question.kind === 'choice') {
      input = h('div', { class: 'options' }, ...question.options.map((o: Json, i: number) => {
        const id = `o-${i}`;
        return h('div', { class: 'option' },
          h('input', { type: 'radio', name: 'answer', id, value: o.code, checked: current === o.code }),
          h('label', { for: id }, o.label));
      }));
    } else if (question.kind === 'integer') {
      input = h('input', { type: 'number', name: 'answer', min: question.min ?? undefined, max: question.max ?? undefined, value: current ?? '', 'aria-label': question.text });
    } else {
      input = h('textarea', { name: 'answer', rows: 3, 'aria-label': question.text }, String(current ?? ''));
    }
    const status = h('div');
    const read = (): boolean => {
      let value: string | number | null = null;
      if (question.kind === 'choice') {
        const picked = input.querySelector<HTMLInputElement>('input:checked');
        value = picked ? picked.value : null;
      } else if (question.kind === 'integer') {
        const v = (input as HTMLInputElement).value;
        value = v === '' ? null : Number(v);
      } else {
        value = (input as HTMLTextAreaElement).value || null;
      }
      if (value === null && question.required) {
        status.replaceChildren(h('p', { class: 'alert', role: 'alert' }, t('web-answer-needed')));
        return false;
      }
      answers[question.link_id] = value;
      return true;
    };
    const back = h('button', { type: 'button', disabled: at === 0, onclick: () => { at -= 1; step(); } }, t('web-back'));
    const last = at === q.questions.length - 1;
    const next = h('button', { type: 'submit', class: 'primary' }, last ? t('web-save') : t('web-next'));
    const form = h('form', {
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        if (!read()) return;
        if (!last) { at += 1; step(); return; }
        void act(next, status, async () => {
          const result = JSON.parse(await s.rz!.saveQuestionnaire(key, JSON.stringify(answers)));
          await persist();
          resultScreen(q, result);
        });
      },
    },
    h('fieldset', {}, legend, ...question.preamble.map((p: string) => h('p', { class: 'hint' }, p)), input),
    h('div', { class: 'row' }, back, next), status);
    show(h('h1', {}, q.title),
      h('p', { class: 'progress' }, t('web-question-of', { number: at + 1, count: q.questions.length })),
      h('progress', { max: q.questions.length, value: at + 1, 'aria-hidden': 'true' }),
      form);
  };
  step();
}

function resultScreen(q: Json, result: Json): void {
  show(h('h1', {}, t('web-result-title', { title: q.title })),
    h('p', { class: 'summary', 'data-testid': 'score-summary' }, result.summary),
    result.advice.length ? h('section', {}, h('h2', {}, t('web-advice-title')),
      ...result.advice.map((a: string) => h('p', { class: 'advice' }, a))) : null,
    h('a', { class: 'button primary', href: '#/' }, t('web-to-overview')));
}

export function noteScreen(): void {
  const text = h('textarea', { rows: 6, required: true });
  const status = h('div');
  const button = h('button', { type: 'submit', class: 'primary' }, t('web-save'));
  show(h('h1', {}, t('web-write-note')), h('form', {
    onsubmit: (ev: Event) => {
      ev.preventDefault();
      void act(button, status, async () => {
        await s.rz!.addNote(text.value);
        await persist();
        go('/');
      });
    },
  }, field(t('web-note'), text), button, status));
}

// ---------- consent: scan, approve, grants ----------

export function scanScreen(): void {
  const status = h('div');
  const video = h('video', { playsinline: true, muted: true, 'aria-label': t('web-camera') });
  const paste = h('textarea', { rows: 3, spellcheck: 'false' });
  const photo = h('input', { type: 'file', accept: 'image/*' });
  const useText = (text: string): void => { s.leave?.(); s.leave = null; void approveScreen(text); };
  const pasteButton = h('button', { type: 'submit' }, t('web-use-code'));
  show(h('h1', {}, t('web-scan')),
    h('p', {}, t('web-scan-intro')),
    video, status,
    h('details', {}, h('summary', {}, t('web-scan-other-ways')),
      h('form', { onsubmit: (ev: Event) => { ev.preventDefault(); useText(paste.value); } },
        field(t('web-paste-code'), paste), pasteButton),
      field(t('web-upload-photo'), photo)));
  photo.addEventListener('change', () => {
    const file = photo.files?.[0];
    if (!file) return;
    void (async () => {
      const bitmap = await createImageBitmap(file);
      const canvas = h('canvas', { width: bitmap.width, height: bitmap.height });
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      ctx.drawImage(bitmap, 0, 0);
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const text = core.decodeQr(data.width, data.height, new Uint8Array(data.data.buffer));
      if (text) useText(text);
      else status.replaceChildren(h('p', { class: 'alert', role: 'alert' }, t('web-no-qr-in-photo')));
    })();
  });
  s.leave = scanInto(video, (text) => useText(text), (e) => status.replaceChildren(h('p', { class: 'alert', role: 'alert' }, t('web-camera-failed', { reason: String(e) }))));
}

async function approveScreen(text: string): Promise<void> {
  show(h('h1', {}, t('web-approve-title')), busy(t('web-loading')));
  let request: Json;
  try {
    request = JSON.parse(await s.rz!.readRequest(text));
  } catch (e) {
    show(h('h1', {}, t('web-approve-title')), alertBox(e), h('a', { class: 'button', href: '#/scannen' }, t('web-scan-again')));
    return;
  }
  const boxes = request.permissions.map((p: Json, i: number) => h('div', { class: 'check' },
    h('input', { type: 'checkbox', id: `p-${i}`, value: p.scope, checked: true }),
    h('label', { for: `p-${i}` }, `${p.scope_text} (${p.mode_text})`)));
  const asked = request.days;
  const duration = h('select', {},
    asked ? h('option', { value: String(asked) }, t('web-days', { days: asked })) : null,
    h('option', { value: 'lifelong' }, t('web-lifelong-choice')));
  const status = h('div');
  const yes = h('button', { type: 'submit', class: 'primary' }, t('web-approve'));
  const form = h('form', {
    onsubmit: (ev: Event) => {
      ev.preventDefault();
      void act(yes, status, async () => {
        const scopes = boxes.map((b: HTMLElement) => b.querySelector('input') as HTMLInputElement)
          .filter((i: HTMLInputElement) => i.checked).map((i: HTMLInputElement) => i.value);
        const choices = duration.value === 'lifelong' ? { scopes, lifelong: true } : { scopes, days: Number(duration.value) };
        const given = JSON.parse(await s.rz!.approve(text, JSON.stringify(choices)));
        await persist();
        show(h('h1', {}, t('web-approved-title')),
          h('p', {}, t('web-check-code-intro', { name: request.who.name })),
          h('p', { class: 'check-code', 'data-testid': 'check-code' }, given.check_code),
          h('a', { class: 'button primary', href: '#/' }, t('web-to-overview')));
      });
    },
  },
  h('fieldset', {}, h('legend', {}, t('web-which-parts')), ...boxes),
  field(t('web-how-long'), duration),
  h('div', { class: 'row' }, yes, h('a', { class: 'button', href: '#/' }, t('web-refuse'))),
  status);
  show(h('h1', {}, t('web-approve-title')),
    h('p', { class: 'sentence', 'data-testid': 'consent-sentence' }, request.sentence),
    request.expired ? h('p', { class: 'alert', role: 'alert' }, t('error-bad-request')) : form);
}

export async function grantsScreen(): Promise<void> {
  const content = h('div', {}, busy(t('web-loading')));
  show(h('h1', {}, t('web-nav-grants')), content);
  try {
    const grants: Json[] = JSON.parse(await s.rz!.grants());
    await persist();
    if (grants.length === 0) { content.replaceChildren(h('p', { class: 'empty' }, t('web-no-grants'))); return; }
    content.replaceChildren(...grants.map((g) => {
      const status = h('div');
      const revoke = h('button', { type: 'button', class: 'danger' }, t('web-revoke'));
      revoke.addEventListener('click', () => {
        if (!confirm(t('web-revoke-confirm', { name: g.who.name }))) return;
        void act(revoke, status, async () => { await s.rz!.revoke(g.grant); await persist(); void grantsScreen(); });
      });
      return h('article', { class: 'grant', 'data-grant': g.grant },
        h('h2', {}, `${g.who.name} (${g.who.role_text}${g.who.organisation ? ', ' + g.who.organisation : ''})`),
        h('p', {}, g.parts.map((p: Json) => `${p.scope_text} (${p.mode_text})`).join(', ')),
        g.expiry.lifelong ? h('p', { class: 'badge' }, t('web-lifelong')) : h('p', {}, t('web-until', { time: g.expiry.text, days: g.expiry.days_left })),
        g.uses !== null && g.uses !== undefined ? h('p', {}, t('web-uses', { count: g.uses })) : null,
        g.revoked ? h('p', { class: 'badge revoked' }, t('web-revoked')) : (g.active ? revoke : h('p', { class: 'badge' }, t('web-expired'))),
        status);
    }));
  } catch (e) {
    content.replaceChildren(alertBox(e));
  }
}

export async function logScreen(): Promise<void> {
  const content = h('div', {}, busy(t('web-loading')));
  const from = h('input', { type: 'date' });
  const to = h('input', { type: 'date' });
  const downloadStatus = h('div');
  const fhir = h('button', { type: 'button' }, t('web-log-download'));
  fhir.addEventListener('click', () => void act(fhir, downloadStatus, async () => {
    const bundle = await s.rz!.auditEvents();
    await persist();
    download('rugzak-logboek.fhir.json', bundle);
  }));
  show(h('h1', {}, t('web-nav-log')), h('p', {}, t('web-log-intro')),
    h('div', { class: 'row' }, field(t('web-log-from'), from), field(t('web-log-to'), to)), content,
    h('p', {}, t('web-log-download-intro')), fhir, downloadStatus);
  let rows: Json[];
  try {
    rows = JSON.parse(await s.rz!.log());
    await persist();
  } catch (e) {
    content.replaceChildren(alertBox(e));
    return;
  }
  const draw = (): void => {
    // Dates are local days: from the start of `from` up to the end of `to`.
    const start = from.value ? new Date(`${from.value}T00:00`).getTime() / 1000 : -Infinity;
    const end = to.value ? new Date(`${to.value}T00:00`).getTime() / 1000 + 86400 : Infinity;
    const shown = rows.filter((r) => r.time >= start && r.time < end);
    const cols = ['web-log-when', 'web-log-who', 'web-log-what', 'web-log-about', 'web-log-grant', 'web-log-outcome'];
    content.replaceChildren(shown.length === 0 ? h('p', { class: 'empty' }, t('web-log-empty')) :
      h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': t('web-nav-log') },
        h('table', { class: 'log' },
          h('thead', {}, h('tr', {}, ...cols.map((c) => h('th', { scope: 'col' }, t(c))))),
          h('tbody', {}, ...shown.map((r) => h('tr', { class: r.denied ? 'denied' : '' },
            h('td', {}, r.time_text),
            h('td', {}, `${r.who}${r.role_text ? ` (${r.role_text}${r.organisation ? ', ' + r.organisation : ''})` : ''}`),
            h('td', {}, r.event_text),
            h('td', {}, r.object_text),
            h('td', {}, r.grant ?? ''),
            h('td', {}, r.outcome_text)))))));
  };
  from.addEventListener('change', draw);
  to.addEventListener('change', draw);
  draw();
}

/// The programmes: suggested ones first, each with why (the scores it rests on) and progress.
export async function programmesScreen(): Promise<void> {
  const content = h('div', {}, busy(t('web-loading')));
  show(h('h1', {}, t('web-programmes-title')), h('p', {}, t('web-programmes-intro')), content);
  try {
    const view = JSON.parse(await s.rz!.programmes());
    await persist();
    const list: Json[] = view.programmes.slice().sort((a: Json, b: Json) => Number(b.suggested) - Number(a.suggested));
    const suggested = list.some((p) => p.suggested);
    content.replaceChildren(
      ...view.advice.map((a: string) => h('p', { class: 'advice' }, a)),
      ...(suggested ? [] : [h('p', { class: 'empty' }, t('programme-no-suggestions'))]),
      ...list.map((p) => h('article', { class: 'programme', 'data-programme': p.id },
        h('h2', {}, h('a', { href: `#/programma/${p.id}` }, p.title), p.example ? ` ${t('programme-example')}` : ''),
        p.suggested ? h('p', { class: 'badge' }, t('web-suggested')) : null,
        h('p', {}, p.summary),
        p.done === null ? h('p', { class: 'muted' }, t('web-steps-count', { count: p.steps }))
          : [h('p', {}, t('web-progress', { done: p.done, total: p.steps })), h('progress', { max: p.steps, value: p.done, 'aria-hidden': 'true' })],
        p.suggested ? h('details', {}, h('summary', {}, t('web-why')), h('ul', {}, ...p.why.map((w: string) => h('li', {}, w)))) : null)));
  } catch (e) {
    content.replaceChildren(alertBox(e));
  }
}

/// One programme: its steps by module; start it, mark a step done, write a reflection.
export async function programmeScreen(id: string, view?: Json, focus?: string): Promise<void> {
  if (!view) {
    show(h('h1', {}, t('web-programmes-title')), busy(t('web-loading')));
    try {
      view = JSON.parse(await s.rz!.programme(id));
      await persist();
    } catch (e) {
      show(h('h1', {}, t('web-programmes-title')), alertBox(e));
      return;
    }
  }
  const p = view;
  /// Shows the programme again after a change, with the step just changed open.
  const redraw = async (work: Promise<string>, step?: string): Promise<void> => {
    const next = JSON.parse(await work);
    await persist();
    void programmeScreen(id, next, step);
  };
  const status = h('div');
  const start = h('button', { type: 'button', class: 'primary' }, t('web-start-programme'));
  start.addEventListener('click', () => void act(start, status, () => redraw(s.rz!.programmeStart(id))));
  const stepView = (step: Json): HTMLElement => {
    const stepStatus = h('div');
    let action: HTMLElement | null = null;
    if (p.started && step.question) {
      const answer = h('textarea', { rows: 3, required: true });
      const save = h('button', { type: 'submit' }, t('web-save-answer'));
      action = h('form', {
        onsubmit: (ev: Event) => { ev.preventDefault(); void act(save, stepStatus, () => redraw(s.rz!.programmeReflect(id, step.id, answer.value), step.id)); },
      }, field(t('web-your-answer'), answer), save);
    } else if (p.started && !step.done) {
      const done = h('button', { type: 'button' }, t('web-step-done-button'));
      done.addEventListener('click', () => void act(done, stepStatus, () => redraw(s.rz!.programmeDone(id, step.id), step.id)));
      action = done;
    }
    return h('details', { class: 'step', 'data-step': step.id, open: step.id === (focus ?? p.next_step) },
      h('summary', {}, `${step.done ? '✓ ' : ''}${step.number}. ${step.title}`),
      h('p', {}, step.text),
      step.exercise ? h('div', {}, h('h4', {}, t('programme-exercise')), h('p', {}, step.exercise)) : null,
      step.question ? h('div', {}, h('h4', {}, t('programme-question')), h('p', {}, step.question)) : null,
      step.reflections.length ? h('ul', { class: 'reflections' }, ...step.reflections.map((r: Json) => h('li', {}, `${r.when}: ${r.text}`))) : null,
      step.check_in ? h('p', {}, h('a', { href: `#/vragenlijst/${step.check_in}` }, t('web-check-in'))) : null,
      step.done ? h('p', { class: 'muted' }, t('programme-step-done')) : null,
      action, stepStatus);
  };
  show(h('h1', {}, p.title),
    h('p', {}, p.summary),
    ...(p.started ? [h('p', { 'data-testid': 'programme-progress' }, t('web-progress', { done: p.done, total: p.total })),
      h('progress', { max: p.total, value: p.done, 'aria-hidden': 'true' }),
      p.next_step ? null : h('p', {}, t('programme-all-done'))] : [start, status]),
    ...p.modules.map((m: Json) => h('section', {}, h('h2', {}, m.title), ...m.steps.map(stepView))),
    h('a', { class: 'button', href: '#/programmas' }, t('web-programmes-back')));
}
