// The professional's screens: asking for access by QR, waiting for the grant, comparing the check
// code, reading the shared rugzakje and adding to it what the grant allows.

import * as core from '../../dist/pkg/rugzak_web.js';
import { h, show, field } from './dom';
import { s, t, act, alertBox, busy, persist, type Json } from './app';
import { listingView, qrImage, SCOPES } from './listing';

export async function proHome(): Promise<void> {
  const content = h('div', {}, busy(t('web-loading')));
  show(h('h1', {}, t('web-pro-title', { name: s.me.name })),
    h('a', { class: 'button primary', href: '#/verzoek' }, t('web-new-request')),
    content);
  try {
    const grants: Json[] = JSON.parse(await s.rz!.myGrants());
    content.replaceChildren(grants.length === 0 ? h('p', { class: 'empty' }, t('web-pro-none')) :
      h('ul', { class: 'plain' }, ...grants.filter((g) => g.active).map((g) =>
        h('li', {}, h('a', { class: 'button', href: `#/rugzak/${g.vault}` }, g.display_name ?? t('check-no-name'))))));
  } catch (e) {
    content.replaceChildren(alertBox(e));
  }
}

export function requestScreen(): void {
  const row = (scope: string): HTMLElement => {
    const sel = h('select', { 'data-scope': scope, 'aria-label': t(`scope-${scope}`) },
      h('option', { value: '' }, t('web-mode-none')),
      h('option', { value: 'read' }, t('mode-read')),
      h('option', { value: 'append' }, t('mode-append')),
      h('option', { value: 'both' }, t('web-mode-both')));
    return h('div', { class: 'field inline' }, h('span', {}, t(`scope-${scope}`)), sel);
  };
  const rows = SCOPES.map(row);
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
        const made = JSON.parse(await s.rz!.request(read, append, Number(days.value)));
        waitScreen(made);
      });
    },
  }, h('fieldset', {}, h('legend', {}, t('web-which-parts-ask')), ...rows),
  field(t('web-days-asked'), days, t('web-days-asked-hint')), button, status));
}

function waitScreen(made: Json): void {
  const qr = qrImage(made.qr_svg, t('web-qr-label'));
  const status = h('p', { role: 'status', 'aria-live': 'polite' }, t('web-waiting'));
  show(h('h1', {}, t('web-show-qr-title')), h('p', {}, t('web-show-qr-intro')), qr,
    h('details', {}, h('summary', {}, t('web-code-as-text')), h('p', { class: 'code-text', 'data-testid': 'qr-text' }, made.qr_text)),
    status);
  let stopped = false;
  s.leave = () => { stopped = true; };
  const poll = async (): Promise<void> => {
    while (!stopped) {
      try {
        const grant = JSON.parse(await s.rz!.grantFor(made.reference));
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

/// The rugzak a professional was granted: the newest of each part, or with `part` that part
/// whole; the forms for what may be added.
export async function vaultScreen(vault: string, part?: string): Promise<void> {
  const content = h('div', {}, busy(t('web-loading')));
  const forms = h('div');
  const refresh = h('button', { type: 'button', onclick: () => void vaultScreen(vault, part) }, t('web-refresh'));
  const back = part ? h('p', {}, h('a', { href: `#/rugzak/${vault}` }, t('web-back-to-overview'))) : null;
  show(h('h1', {}, t('web-vault-title')), back, refresh, forms, content);
  let grant: Json | undefined;
  try {
    const grants: Json[] = JSON.parse(await s.rz!.myGrants());
    grant = grants.find((g) => g.vault === vault && g.active);
    if (!grant) {
      // Why there is nothing to read: revoked, expired, or never granted.
      const mine = grants.filter((g) => g.vault === vault);
      const code = mine.some((g) => g.revoked) ? 'grant_revoked' : mine.length > 0 ? 'grant_expired' : 'no_grant';
      const text = { grant_revoked: 'web-grant-revoked', grant_expired: 'error-grant-expired', no_grant: 'error-no-grant' }[code];
      content.replaceChildren(h('p', { class: 'alert', role: 'alert', 'data-code': code }, t(text)));
      return;
    }
    // Not kept for reading offline: what a professional reads of someone else's rugzak lasts
    // only as long as the grant, so it is never stored on the professional's device.
    const listing = JSON.parse(await s.rz!.read(vault, part));
    content.replaceChildren(listingView(listing, (scope) => `#/rugzak/${vault}/${scope}`));
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
          await s.rz!.append(vault, kind, body);
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
