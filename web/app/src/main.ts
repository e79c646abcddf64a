// Rugzak's web app: screens for the inwoner, the huisarts and the welzijnscoach. All keys, all
// decryption and all consent logic run in the Rust client core compiled to WebAssembly
// (`rugzak-web`); this file only shows what it answers and passes on what people choose.

import init, * as core from '../../dist/pkg/rugzak_web.js';
import { h, show, field } from './dom';
import * as store from './store';
import { scanInto } from './camera';
import * as passkey from './passkey';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const server = location.origin;
let rz: core.Rugzak | null = null;
let me: Json = null;
let stored: store.Stored | undefined;
/// Stops the poll of a screen that is left.
let leave: (() => void) | null = null;

const t = (id: string, args?: Record<string, string | number>): string =>
  core.text(id, args ? JSON.stringify(args) : undefined);

// ---------- plumbing ----------

function errorText(e: unknown): string {
  if (e instanceof Error && e.name === 'RugzakError') return e.message;
  if (e instanceof TypeError) return t('web-unreachable');
  return t('error-unknown', { code: String(e) });
}

function errorCode(e: unknown): string | undefined {
  return (e as { code?: string })?.code;
}

function alertBox(e: unknown): HTMLElement {
  return h('p', { class: 'alert', role: 'alert', 'data-code': errorCode(e) ?? 'unknown' }, errorText(e));
}

function busy(label: string): HTMLElement {
  return h('p', { class: 'busy', role: 'status', 'aria-live': 'polite' }, label);
}

/// Runs `work` with the button disabled and a status line, showing a clear error on failure.
async function act(button: HTMLButtonElement, status: HTMLElement, work: () => Promise<void>): Promise<void> {
  button.disabled = true;
  status.replaceChildren(busy(t('web-working')));
  try {
    await work();
    status.replaceChildren();
  } catch (e) {
    status.replaceChildren(alertBox(e));
  } finally {
    button.disabled = false;
  }
}

async function persist(): Promise<void> {
  if (!rz || !stored) return;
  stored.sealed = rz.sealState();
  await store.save(stored);
}

function go(path: string): void {
  if (location.hash === `#${path}`) route();
  else location.hash = path;
}

function header(): void {
  const bar = document.getElementById('bar');
  if (!bar) return;
  const other = core.text('web-other-language-tag');
  bar.replaceChildren(
    h('a', { href: '#/', class: 'brand' }, 'Rugzak'),
    h('nav', { 'aria-label': t('web-nav-label') },
      rz && me?.role === 'inwoner' ? h('a', { href: '#/toestemmingen' }, t('web-nav-grants')) : null,
      rz && me?.role === 'inwoner' ? h('a', { href: '#/logboek' }, t('web-nav-log')) : null,
      h('button', {
        type: 'button', class: 'link', lang: other,
        onclick: () => { localStorage.setItem('rugzak-lang', other); core.setLanguage(other); document.documentElement.lang = other; header(); route(); },
      }, t('web-other-language')),
      rz ? h('button', { type: 'button', class: 'link', onclick: () => { rz = null; me = null; header(); go('/'); } }, t('web-lock')) : null,
    ),
  );
}

// ---------- start: unlock, create, recover ----------

function welcome(): void {
  show(
    h('h1', {}, t('web-welcome-title')),
    h('p', {}, t('web-welcome-intro')),
    h('div', { class: 'choices' },
      h('a', { class: 'button primary', href: '#/nieuw' }, t('web-create-inwoner')),
      h('a', { class: 'button', href: '#/herstel' }, t('web-recover')),
      h('a', { class: 'button', href: '#/zorgverlener' }, t('web-create-professional')),
    ),
  );
}

function unlockWithPasskeyScreen(): void {
  const status = h('div');
  const button = h('button', { type: 'button', class: 'primary' }, t('web-unlock-with-passkey'));
  button.addEventListener('click', () => void act(button, status, async () => {
    if (!stored?.credential) return;
    let prf: Uint8Array;
    try {
      prf = await passkey.secret(stored.credential);
    } catch (e) {
      throw new Error(t(e instanceof passkey.NoPrf ? 'web-passkey-no-prf' : 'web-passkey-failed'));
    }
    rz = core.Rugzak.unlockWithPasskey(stored.wrapped, stored.sealed, prf);
    prf.fill(0);
    me = JSON.parse(rz.whoAmI());
    header();
    route();
  }));
  show(h('h1', {}, t('web-unlock-title')), h('p', {}, t('web-unlock-passkey-intro')), button, status,
    h('p', {}, h('a', { href: '#/herstel' }, t('web-recover-instead'))));
}

function unlockScreen(): void {
  if (stored?.lock === 'passkey') return unlockWithPasskeyScreen();
  const pass = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const status = h('div');
  const button = h('button', { type: 'submit', class: 'primary' }, t('web-unlock'));
  const form = h('form', {
    onsubmit: (ev: Event) => {
      ev.preventDefault();
      void act(button, status, async () => {
        if (!stored) return;
        rz = core.Rugzak.unlockWithPassphrase(stored.wrapped, stored.sealed, pass.value);
        me = JSON.parse(rz.whoAmI());
        header();
        route();
      });
    },
  }, field(t('web-passphrase'), pass), button, status);
  show(h('h1', {}, t('web-unlock-title')), h('p', {}, t('web-unlock-intro')), form,
    h('p', {}, h('a', { href: '#/herstel' }, t('web-recover-instead'))));
}

function passphraseFields(): { fields: HTMLElement[]; value: () => string | null; } {
  const a = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: 8 });
  const b = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: 8 });
  return {
    fields: [field(t('web-passphrase-new'), a, t('web-passphrase-hint')), field(t('web-passphrase-again'), b)],
    value: () => (a.value === b.value ? a.value : null),
  };
}

async function lockAndStore(passphrase: string): Promise<void> {
  if (!rz) return;
  const wrapped = rz.lockWithPassphrase(passphrase);
  me = JSON.parse(rz.whoAmI());
  stored = { lock: 'passphrase', wrapped, sealed: rz.sealState(), role: me.role };
  await store.save(stored);
}

async function lockWithPasskeyAndStore(label: string): Promise<void> {
  if (!rz) return;
  let credential: string;
  let prf: Uint8Array;
  try {
    credential = await passkey.create(label);
    prf = await passkey.secret(credential);
  } catch (e) {
    throw new Error(t(e instanceof passkey.NoPrf ? 'web-passkey-no-prf' : 'web-passkey-failed'));
  }
  const wrapped = rz.lockWithPasskey(prf);
  prf.fill(0);
  me = JSON.parse(rz.whoAmI());
  stored = { lock: 'passkey', credential, wrapped, sealed: rz.sealState(), role: me.role };
  await store.save(stored);
}

function createInwoner(): void {
  const name = h('input', { type: 'text', autocomplete: 'given-name' });
  const pass = passphraseFields();
  const status = h('div');
  const button = h('button', { type: 'submit', class: 'primary' }, t('web-create'));
  const form = h('form', {
    onsubmit: (ev: Event) => {
      ev.preventDefault();
      void act(button, status, async () => {
        const p = pass.value();
        if (p === null) throw new Error(t('web-passphrases-differ'));
        rz = await core.Rugzak.createInwoner(server, name.value || undefined);
        await lockAndStore(p);
        recoveryScreen();
      });
    },
  }, field(t('web-display-name'), name, t('web-display-name-hint')), ...pass.fields, button, status);
  const withKey = h('button', { type: 'button' }, t('web-create-with-passkey'));
  withKey.addEventListener('click', () => void act(withKey, status, async () => {
    rz = await core.Rugzak.createInwoner(server, name.value || undefined);
    try {
      await lockWithPasskeyAndStore(name.value || 'Rugzak');
    } catch (e) {
      rz = null;
      throw e;
    }
    recoveryScreen();
  }));
  show(h('h1', {}, t('web-create-inwoner')), h('p', {}, t('web-create-intro')), form,
    passkey.available() ? h('section', {}, h('h2', {}, t('web-or-passkey')), h('p', {}, t('web-passkey-intro')), withKey) : null);
}

function recoveryScreen(): void {
  if (!rz) return;
  const code = rz.recoveryCode();
  const done = h('input', { type: 'checkbox', id: 'written' });
  const next = h('button', { type: 'button', class: 'primary', disabled: true, onclick: () => { header(); go('/'); } }, t('web-continue'));
  done.addEventListener('change', () => { next.disabled = !done.checked; });
  show(
    h('h1', {}, t('web-recovery-title')),
    h('p', {}, t('web-recovery-intro')),
    h('p', { class: 'recovery-code', 'data-testid': 'recovery-code' }, code),
    h('p', {}, t('web-recovery-warning')),
    h('div', { class: 'check' }, done, h('label', { for: 'written' }, t('web-recovery-written'))),
    next,
  );
}

function recoverScreen(): void {
  const code = h('textarea', { rows: 3, autocomplete: 'off', spellcheck: 'false' });
  const pass = passphraseFields();
  const status = h('div');
  const button = h('button', { type: 'submit', class: 'primary' }, t('web-recover'));
  const form = h('form', {
    onsubmit: (ev: Event) => {
      ev.preventDefault();
      void act(button, status, async () => {
        const p = pass.value();
        if (p === null) throw new Error(t('web-passphrases-differ'));
        rz = await core.Rugzak.recover(server, code.value);
        await lockAndStore(p);
        header();
        go('/');
      });
    },
  }, field(t('web-recovery-code'), code, t('web-recovery-code-hint')), ...pass.fields, button, status);
  show(h('h1', {}, t('web-recover')), form);
}

function createProfessional(): void {
  const role = h('select', {},
    h('option', { value: 'huisarts' }, t('role-huisarts')),
    h('option', { value: 'welzijnscoach' }, t('role-welzijnscoach')),
    h('option', { value: 'poh-ggz' }, t('role-poh-ggz')));
  const name = h('input', { type: 'text', autocomplete: 'name', required: true });
  const org = h('input', { type: 'text', autocomplete: 'organization', required: true });
  const pass = passphraseFields();
  const status = h('div');
  const button = h('button', { type: 'submit', class: 'primary' }, t('web-create'));
  const form = h('form', {
    onsubmit: (ev: Event) => {
      ev.preventDefault();
      void act(button, status, async () => {
        const p = pass.value();
        if (p === null) throw new Error(t('web-passphrases-differ'));
        rz = await core.Rugzak.createProfessional(server, role.value, name.value, org.value);
        await lockAndStore(p);
        header();
        go('/');
      });
    },
  }, field(t('web-role'), role), field(t('web-name'), name), field(t('web-organisation'), org), ...pass.fields, button, status);
  show(h('h1', {}, t('web-create-professional')), form);
}

// ---------- the rugzakje ----------

const SECTIONS = ['vragenlijsten', 'verwijzing', 'intake', 'terugkoppeling', 'programmas', 'notities'];

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function itemCard(item: Json): HTMLElement {
  let body: HTMLElement;
  if (item.kind === 'observation') {
    body = h('p', { class: 'summary' }, item.summary ?? '');
  } else if (item.kind === 'questionnaire-response') {
    body = h('p', { class: 'muted' }, t('render-answers'));
  } else if (item.body && typeof item.body === 'object') {
    // A letter's fields in the order people write them (JSON objects come back sorted).
    const order = ['to', 'reason', 'question', 'agreed', 'what', 'place', 'when', 'contact', 'on', 'text'];
    const fields = Object.entries(item.body as Record<string, unknown>)
      .filter(([k, v]) => order.includes(k) && v !== '')
      .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
    body = h('dl', {}, ...fields.map(([k, v]) => [h('dt', {}, t(`web-letter-${k}`)), h('dd', {}, String(v))]).flat());
  } else {
    body = h('p', { class: 'note' }, String(item.body ?? ''));
  }
  return h('article', { class: 'item', 'data-kind': item.kind },
    h('h3', {}, item.title ?? capital(item.kind_text)),
    h('p', { class: 'meta' }, `${item.time_text} · ${item.author_text}`),
    body);
}

function listingView(listing: Json): HTMLElement {
  const parts = SECTIONS.map((scope) => {
    const items = listing.items.filter((i: Json) => i.scope === scope && i.kind !== 'questionnaire-response');
    if (items.length === 0) return null;
    return h('section', { 'aria-labelledby': `s-${scope}` },
      h('h2', { id: `s-${scope}` }, items[0].scope_text),
      ...items.slice().reverse().map(itemCard));
  }).filter(Boolean) as HTMLElement[];
  const apart = listing.apart.length === 0 ? null : h('section', { class: 'apart' },
    h('h2', {}, t('web-apart-title')),
    h('ul', {}, ...listing.apart.map((a: Json) => h('li', {}, `${a.scope_text}: ${t(`error-${a.reason.replace(/_/g, '-')}`)}`))));
  if (parts.length === 0 && !apart) return h('p', { class: 'empty' }, t('web-empty'));
  // Charts as pictures (an <img> runs no script, whatever the SVG holds).
  const charts = (listing.charts ?? []).length === 0 ? null : h('section', { 'aria-labelledby': 's-charts' },
    h('h2', { id: 's-charts' }, t('web-charts-title')),
    ...listing.charts.map((c: Json) => h('figure', { class: 'chart', 'data-chart': c.kind },
      h('img', { src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(c.svg)}`, alt: t(c.kind === 'trend' ? 'web-chart-trend-alt' : 'web-chart-web-alt', { title: c.title }) }),
      h('figcaption', {}, c.title))));
  return h('div', {}, charts, ...parts, apart);
}

async function overview(): Promise<void> {
  const content = h('div', {}, busy(t('web-loading')));
  show(
    h('h1', {}, t('web-overview-title')),
    h('div', { class: 'choices' },
      h('a', { class: 'button primary', href: '#/vragenlijsten' }, t('web-fill')),
      h('a', { class: 'button', href: '#/scannen' }, t('web-scan')),
      h('a', { class: 'button', href: '#/notitie' }, t('web-write-note')),
    ),
    content,
  );
  try {
    const listing = JSON.parse(await rz!.overview());
    await persist();
    content.replaceChildren(listingView(listing));
  } catch (e) {
    content.replaceChildren(alertBox(e));
  }
}

function questionnaireList(): void {
  const list = JSON.parse(core.questionnaires());
  show(h('h1', {}, t('web-fill')),
    h('ul', { class: 'plain' }, ...list.map((q: Json) =>
      h('li', {}, h('a', { class: 'button', href: `#/vragenlijst/${q.key}` }, q.title)))));
}

function fill(key: string): void {
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
          const result = JSON.parse(await rz!.saveQuestionnaire(key, JSON.stringify(answers)));
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

function noteScreen(): void {
  const text = h('textarea', { rows: 6, required: true });
  const status = h('div');
  const button = h('button', { type: 'submit', class: 'primary' }, t('web-save'));
  show(h('h1', {}, t('web-write-note')), h('form', {
    onsubmit: (ev: Event) => {
      ev.preventDefault();
      void act(button, status, async () => {
        await rz!.addNote(text.value);
        await persist();
        go('/');
      });
    },
  }, field(t('web-note'), text), button, status));
}

// ---------- consent: scan, approve, grants ----------

function scanScreen(): void {
  const status = h('div');
  const video = h('video', { playsinline: true, muted: true, 'aria-label': t('web-camera') });
  const paste = h('textarea', { rows: 3, spellcheck: 'false' });
  const photo = h('input', { type: 'file', accept: 'image/*' });
  const useText = (text: string): void => { leave?.(); leave = null; void approveScreen(text); };
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
  leave = scanInto(video, (text) => useText(text), (e) => status.replaceChildren(h('p', { class: 'alert', role: 'alert' }, t('web-camera-failed', { reason: String(e) }))));
}

async function approveScreen(text: string): Promise<void> {
  show(h('h1', {}, t('web-approve-title')), busy(t('web-loading')));
  let request: Json;
  try {
    request = JSON.parse(await rz!.readRequest(text));
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
        const given = JSON.parse(await rz!.approve(text, JSON.stringify(choices)));
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

async function grantsScreen(): Promise<void> {
  const content = h('div', {}, busy(t('web-loading')));
  show(h('h1', {}, t('web-nav-grants')), content);
  try {
    const grants: Json[] = JSON.parse(await rz!.grants());
    await persist();
    if (grants.length === 0) { content.replaceChildren(h('p', { class: 'empty' }, t('web-no-grants'))); return; }
    content.replaceChildren(...grants.map((g) => {
      const status = h('div');
      const revoke = h('button', { type: 'button', class: 'danger' }, t('web-revoke'));
      revoke.addEventListener('click', () => {
        if (!confirm(t('web-revoke-confirm', { name: g.who.name }))) return;
        void act(revoke, status, async () => { await rz!.revoke(g.grant); await persist(); void grantsScreen(); });
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

async function logScreen(): Promise<void> {
  const content = h('div', {}, busy(t('web-loading')));
  const from = h('input', { type: 'date' });
  const to = h('input', { type: 'date' });
  show(h('h1', {}, t('web-nav-log')), h('p', {}, t('web-log-intro')),
    h('div', { class: 'row' }, field(t('web-log-from'), from), field(t('web-log-to'), to)), content);
  let rows: Json[];
  try {
    rows = JSON.parse(await rz!.log());
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

// ---------- the professional ----------

async function proHome(): Promise<void> {
  const content = h('div', {}, busy(t('web-loading')));
  show(h('h1', {}, t('web-pro-title', { name: me.name })),
    h('a', { class: 'button primary', href: '#/verzoek' }, t('web-new-request')),
    content);
  try {
    const grants: Json[] = JSON.parse(await rz!.myGrants());
    content.replaceChildren(grants.length === 0 ? h('p', { class: 'empty' }, t('web-pro-none')) :
      h('ul', { class: 'plain' }, ...grants.filter((g) => g.active).map((g) =>
        h('li', {}, h('a', { class: 'button', href: `#/rugzak/${g.vault}` }, g.display_name ?? t('check-no-name'))))));
  } catch (e) {
    content.replaceChildren(alertBox(e));
  }
}

function requestScreen(): void {
  const scopes = ['vragenlijsten', 'verwijzing', 'intake', 'terugkoppeling', 'programmas', 'notities'];
  const row = (scope: string): HTMLElement => {
    const sel = h('select', { 'data-scope': scope, 'aria-label': t(`scope-${scope}`) },
      h('option', { value: '' }, t('web-mode-none')),
      h('option', { value: 'read' }, t('mode-read')),
      h('option', { value: 'append' }, t('mode-append')),
      h('option', { value: 'both' }, t('web-mode-both')));
    return h('div', { class: 'field inline' }, h('span', {}, t(`scope-${scope}`)), sel);
  };
  const rows = scopes.map(row);
  const days = h('input', { type: 'number', min: 0, max: 3650, value: 30 });
  const status = h('div');
  const button = h('button', { type: 'submit', class: 'primary' }, t('web-show-qr'));
  show(h('h1', {}, t('web-new-request')), h('form', {
    onsubmit: (ev: Event) => {
      ev.preventDefault();
      void act(button, status, async () => {
        const read: string[] = [];
        const append: string[] = [];
        for (const r of rows) {
          const sel = r.querySelector('select') as HTMLSelectElement;
          if (sel.value === 'read' || sel.value === 'both') read.push(sel.dataset.scope!);
          if (sel.value === 'append' || sel.value === 'both') append.push(sel.dataset.scope!);
        }
        const made = JSON.parse(await rz!.request(read, append, Number(days.value)));
        waitScreen(made);
      });
    },
  }, h('fieldset', {}, h('legend', {}, t('web-which-parts-ask')), ...rows),
  field(t('web-days-asked'), days, t('web-days-asked-hint')), button, status));
}

function waitScreen(made: Json): void {
  const qr = h('div', { class: 'qr', role: 'img', 'aria-label': t('web-qr-label') });
  const img = new DOMParser().parseFromString(made.qr_svg, 'image/svg+xml').documentElement;
  qr.append(document.importNode(img, true));
  const status = h('p', { role: 'status', 'aria-live': 'polite' }, t('web-waiting'));
  show(h('h1', {}, t('web-show-qr-title')), h('p', {}, t('web-show-qr-intro')), qr,
    h('details', {}, h('summary', {}, t('web-code-as-text')), h('p', { class: 'code-text', 'data-testid': 'qr-text' }, made.qr_text)),
    status);
  let stopped = false;
  leave = () => { stopped = true; };
  const poll = async (): Promise<void> => {
    while (!stopped) {
      try {
        const grant = JSON.parse(await rz!.grantFor(made.reference));
        if (grant) { stopped = true; confirmCode(grant); return; }
      } catch (e) {
        status.replaceChildren(alertBox(e));
      }
      await new Promise((r) => setTimeout(r, 1500));
    }
  };
  void poll();
}

function confirmCode(grant: Json): void {
  show(h('h1', {}, t('web-compare-title')),
    h('p', {}, t('web-compare-intro')),
    h('p', { class: 'check-code', 'data-testid': 'check-code' }, grant.check_code ?? '?'),
    h('p', {}, t('check-name', { name: grant.display_name ?? t('check-no-name') })),
    h('div', { class: 'row' },
      h('a', { class: 'button primary', href: `#/rugzak/${grant.vault}` }, t('web-code-matches')),
      h('a', { class: 'button', href: '#/' }, t('web-code-differs'))));
}

async function vaultScreen(vault: string): Promise<void> {
  const content = h('div', {}, busy(t('web-loading')));
  const forms = h('div');
  const refresh = h('button', { type: 'button', onclick: () => void vaultScreen(vault) }, t('web-refresh'));
  show(h('h1', {}, t('web-vault-title')), refresh, forms, content);
  let grant: Json | undefined;
  try {
    const grants: Json[] = JSON.parse(await rz!.myGrants());
    grant = grants.find((g) => g.vault === vault && g.active);
    if (!grant) {
      const revoked = grants.some((g) => g.vault === vault && g.revoked);
      content.replaceChildren(h('p', { class: 'alert', role: 'alert', 'data-code': revoked ? 'grant_revoked' : 'no_grant' }, t(revoked ? 'web-grant-revoked' : 'error-no-grant')));
      return;
    }
    const listing = JSON.parse(await rz!.read(vault));
    content.replaceChildren(listingView(listing));
  } catch (e) {
    content.replaceChildren(alertBox(e));
    return;
  }
  const can = (scope: string): boolean => grant!.parts.some((p: Json) => p.scope === scope && p.mode === 'append');
  const appendForm = (kind: string, fields: [string, boolean][]): HTMLElement => {
    const inputs = fields.map(([name, long]) => [name, long ? h('textarea', { rows: 4, required: true }) : h('input', { type: 'text', required: true })] as const);
    const status = h('div');
    const button = h('button', { type: 'submit', class: 'primary' }, t('web-send'));
    return h('details', { class: 'append', 'data-append': kind }, h('summary', {}, t(`web-append-${kind}`)), h('form', {
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        void act(button, status, async () => {
          const values = Object.fromEntries(inputs.map(([n, el]) => [n, (el as HTMLInputElement).value]));
          const body = fields.length === 1 ? values.text : JSON.stringify(values);
          await rz!.append(vault, kind, body);
          void vaultScreen(vault);
        });
      },
    }, ...inputs.map(([n, el]) => field(t(`web-letter-${n}`), el)), button, status));
  };
  forms.replaceChildren(...[
    can('verwijzing') ? appendForm('referral', [['to', false], ['reason', true], ['question', true], ['agreed', true], ['contact', false]]) : null,
    can('intake') ? appendForm('intake-note', [['text', true]]) : null,
    can('programmas') ? appendForm('activity', [['what', false], ['place', false], ['when', false], ['contact', false]]) : null,
    can('terugkoppeling') ? appendForm('feedback', [['text', true]]) : null,
  ].filter((f): f is HTMLElement => f !== null));
}

// ---------- routing ----------

function route(): void {
  leave?.();
  leave = null;
  const path = location.hash.replace(/^#/, '') || '/';
  const parts = path.split('/').filter(Boolean);
  if (!rz) {
    if (parts[0] === 'nieuw') return createInwoner();
    if (parts[0] === 'herstel') return recoverScreen();
    if (parts[0] === 'zorgverlener') return createProfessional();
    return stored ? unlockScreen() : welcome();
  }
  if (me.role === 'inwoner') {
    switch (parts[0]) {
      case 'vragenlijsten': return questionnaireList();
      case 'vragenlijst': return fill(parts[1]);
      case 'notitie': return noteScreen();
      case 'scannen': return scanScreen();
      case 'toestemmingen': void grantsScreen(); return;
      case 'logboek': void logScreen(); return;
      default: void overview(); return;
    }
  }
  switch (parts[0]) {
    case 'verzoek': return requestScreen();
    case 'rugzak': void vaultScreen(parts[1]); return;
    default: void proHome();
  }
}

async function start(): Promise<void> {
  await init({ module_or_path: '/pkg/rugzak_web_bg.wasm' });
  const lang = localStorage.getItem('rugzak-lang') ?? 'nl';
  core.setLanguage(lang);
  document.documentElement.lang = lang;
  stored = await store.load();
  header();
  window.addEventListener('hashchange', route);
  route();
  document.body.dataset.ready = 'true';
  if ('serviceWorker' in navigator) void navigator.serviceWorker.register('/sw.js');
}

void start();
