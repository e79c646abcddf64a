// Sharing outside a grant: share links shown as a QR (optionally behind a passcode) and the
// list of those still open, the page that opens one (anyone holding it, no account), and
// downloading the whole rugzakje.

import * as core from '../../dist/pkg/rugzak_web.js';
import { h, show, field } from './dom';
import { s, t, Shown, act, alertBox, busy, persist, errorCode, type Json } from './app';
import { listingView, qrImage, SCOPES } from './listing';

/// Offers `text` as a file named `name` (made here; nothing is sent anywhere).
export function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/// A revoke button for share link `link`; `done` runs after the server stopped serving it.
function revokeButton(link: string, status: HTMLElement, done: () => void): HTMLElement {
  const revoke = h('button', { type: 'button', class: 'danger' }, t('web-share-revoke'));
  revoke.addEventListener('click', () => void act(revoke, status, async () => {
    await s.rz!.revokeLink(link);
    await persist();
    done();
  }));
  return revoke;
}

/// The links still open, from the verified log (also those made on another device).
async function openLinks(into: HTMLElement): Promise<void> {
  into.replaceChildren(busy(t('web-loading')));
  try {
    const links: Json[] = JSON.parse(await s.rz!.links());
    await persist();
    into.replaceChildren(links.length === 0 ? h('p', { class: 'empty' }, t('web-share-none')) :
      h('ul', { class: 'plain' }, ...links.map((l) => {
        const status = h('div');
        return h('li', { class: 'link', 'data-link': l.link },
          h('p', {}, t('web-share-open-link', { made: l.made, opens: l.opens })),
          revokeButton(l.link, status, () => void openLinks(into)), status);
      })));
  } catch (e) {
    into.replaceChildren(alertBox(e));
  }
}

export function shareScreen(): void {
  const boxes = SCOPES.map((scope, i) => h('div', { class: 'check' },
    h('input', { type: 'checkbox', id: `sc-${i}`, value: scope, checked: scope === 'vragenlijsten' }),
    h('label', { for: `sc-${i}` }, t(`scope-${scope}`))));
  const days = h('input', { type: 'number', min: 1, max: 90, value: 7, required: true });
  const label = h('input', { type: 'text', maxlength: 80, value: t('web-share-label-default') });
  const passcode = h('input', { type: 'text', autocomplete: 'off', minlength: 4, maxlength: 64 });
  const status = h('div');
  const result = h('div');
  const list = h('div');
  const make = h('button', { type: 'submit', class: 'primary' }, t('web-share-make'));
  const form = h('form', {
    onsubmit: (ev: Event) => {
      ev.preventDefault();
      void act(make, status, async () => {
        const scopes = boxes.map((b) => b.querySelector('input') as HTMLInputElement).filter((i) => i.checked).map((i) => i.value);
        if (scopes.length === 0) throw new Shown(t('error-nothing-chosen'));
        const made = JSON.parse(await s.rz!.shareLink(scopes, Number(days.value), passcode.value || undefined, label.value));
        await persist();
        const revokeStatus = h('div');
        result.replaceChildren(h('section', { class: 'share-result' },
          h('h2', {}, t('web-share-made', { until: made.until })),
          qrImage(made.qr_svg, t('web-share-qr-label')),
          passcode.value ? h('p', {}, t('web-share-passcode-told')) : null,
          h('details', {}, h('summary', {}, t('web-share-link-text')), h('p', { class: 'code-text', 'data-testid': 'share-url' }, made.url)),
          revokeButton(made.link, revokeStatus, () => {
            result.replaceChildren(h('p', { class: 'badge revoked', 'data-testid': 'link-revoked' }, t('web-share-revoked')));
            void openLinks(list);
          }),
          revokeStatus));
        void openLinks(list);
      });
    },
  },
  h('fieldset', {}, h('legend', {}, t('web-which-parts')), ...boxes),
  field(t('web-share-days'), days),
  field(t('web-share-label'), label),
  field(t('web-share-passcode'), passcode, t('web-share-passcode-hint')),
  make, status);

  const exportStatus = h('div');
  const asFhir = h('button', { type: 'button' }, t('web-export-fhir'));
  const asJson = h('button', { type: 'button' }, t('web-export-json'));
  const exporter = (button: HTMLButtonElement, fhir: boolean): void => {
    button.addEventListener('click', () => void act(button, exportStatus, async () => {
      const text = await s.rz!.exportItems(fhir);
      await persist();
      download(fhir ? 'rugzak.fhir.json' : 'rugzak.json', text);
    }));
  };
  exporter(asFhir, true);
  exporter(asJson, false);

  show(h('h1', {}, t('web-share-title')), h('p', {}, t('web-share-intro')), form, result,
    h('section', {}, h('h2', {}, t('web-share-list-title')), list),
    h('section', {}, h('h2', {}, t('web-export-title')), h('p', {}, t('web-export-intro')),
      h('div', { class: 'row' }, asFhir, asJson), exportStatus));
  void openLinks(list);
}

/// The share link this page was opened with: read once, then taken out of the address bar and
/// the history, so that the key is kept only in memory.
let linkUrl: string | null = null;

/// Whether the address holds a share link (a new one, pasted into this tab, replaces the old).
export function takeLink(): boolean {
  try {
    core.linkInfo(location.href);
  } catch {
    return false;
  }
  linkUrl = location.href;
  history.replaceState(null, '', '/open');
  return true;
}

/// `/open#<key>`: what someone who received a share link sees. Nothing from the link is shown
/// before it opened (the fragment itself is not checked by anyone).
export function openLinkScreen(): void {
  if (!linkUrl && !takeLink()) {
    show(h('h1', {}, t('web-open-title')), alertBox(new Shown(t('error-not-a-share-link'))),
      h('a', { class: 'button', href: '/' }, t('web-to-app')));
    return;
  }
  const url = linkUrl!;
  const info = JSON.parse(core.linkInfo(url));
  const content = h('div');
  const open = async (passcode?: string): Promise<void> => {
    const listing = JSON.parse(await core.openLink(url, passcode));
    show(h('h1', {}, listing.label || t('web-open-title')), h('p', { class: 'muted' }, t('web-open-until', { until: info.until })),
      listingView(listing));
  };
  show(h('h1', {}, t('web-open-title')), h('p', {}, t('web-open-intro')), content);
  if (!info.passcode_required) {
    content.replaceChildren(busy(t('web-loading')));
    open().catch((e) => content.replaceChildren(alertBox(e)));
    return;
  }
  const code = h('input', { type: 'password', autocomplete: 'off', required: true });
  const status = h('div');
  const button = h('button', { type: 'submit', class: 'primary' }, t('web-open'));
  content.replaceChildren(h('form', {
    onsubmit: (ev: Event) => {
      ev.preventDefault();
      void act(button, status, async () => {
        try {
          await open(code.value);
        } catch (e) {
          // After the last wrong try the server forgets the link: nothing more to try.
          const remaining = (e as { remaining?: number }).remaining;
          if (errorCode(e) === 'link_not_found' || remaining === 0) { code.disabled = true; button.hidden = true; }
          throw e;
        }
      });
    },
  }, h('p', {}, t('web-open-passcode-intro')), field(t('web-passcode'), code), button, status));
}
