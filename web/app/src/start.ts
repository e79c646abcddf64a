// The first screens: welcome, unlock, create (inwoner or professional), the recovery code, recovery.

import * as core from '../../dist/pkg/rugzak_web.js';
import { h, show, field } from './dom';
import { s, t, Shown, errorText, server, act, alertBox, busy, go, header, queued } from './app';
import * as store from './store';
import * as passkey from './passkey';

export function welcome(): void {
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

/// Signs in with a passkey (no account id typed) and unlocks this device with its PRF output.
/// The device opens with the PRF output alone; the server's session comes on top when the
/// server answers (offline or refused, the rugzak on this device still opens).
async function signInAndUnlock(): Promise<void> {
  if (!s.stored) return;
  let touch: Awaited<ReturnType<typeof passkey.signIn>>;
  try {
    touch = await passkey.signIn(s.stored.account ? undefined : s.stored.credential);
  } catch (e) {
    throw new Shown(passkeyProblem(e));
  }
  try {
    if (s.stored.account && touch.account && touch.account !== s.stored.account) throw new Shown(t('web-passkey-other-account'));
    s.rz = queued(core.Rugzak.unlockWithPasskey(s.stored.wrapped, s.stored.sealed, touch.prf));
  } finally {
    touch.prf.fill(0);
  }
  s.session = await touch.finish().catch(() => null);
  s.me = JSON.parse(s.rz.whoAmI());
  header();
  s.route();
}

function passkeyProblem(e: unknown): string {
  if (e instanceof passkey.NoPrf) return t('web-passkey-no-prf');
  if (e instanceof passkey.Refused) return errorText(e);
  if (e instanceof TypeError) return t('web-unreachable');
  return t('web-passkey-failed');
}

function unlockWithPasskeyScreen(): void {
  const status = h('div');
  const button = h('button', { type: 'button', class: 'primary' }, t('web-unlock-with-passkey'));
  button.addEventListener('click', () => void act(button, status, signInAndUnlock));
  show(h('h1', {}, t('web-unlock-title')), h('p', {}, t('web-unlock-passkey-intro')), button, status,
    h('p', {}, h('a', { href: '#/herstel' }, t('web-recover-instead'))));
}

export function unlockScreen(): void {
  if (s.stored?.lock === 'passkey') return unlockWithPasskeyScreen();
  const pass = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const status = h('div');
  const button = h('button', { type: 'submit', class: 'primary' }, t('web-unlock'));
  const form = h('form', {
    onsubmit: (ev: Event) => {
      ev.preventDefault();
      void act(button, status, async () => {
        if (!s.stored) return;
        s.rz = queued(core.Rugzak.unlockWithPassphrase(s.stored.wrapped, s.stored.sealed, pass.value));
        s.me = JSON.parse(s.rz.whoAmI());
        header();
        s.route();
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
  if (!s.rz) return;
  const wrapped = s.rz.lockWithPassphrase(passphrase);
  s.me = JSON.parse(s.rz.whoAmI());
  s.stored = { lock: 'passphrase', wrapped, sealed: s.rz.sealState(), role: s.me.role };
  await store.save(s.stored);
}

/// Sign-up with a passkey: an account with a new passkey at the server (the session), then
/// one touch of that very passkey for its PRF output; only then `make` creates the rugzak, which
/// the PRF output locks. A failure before `make` leaves no rugzak behind.
function passkeyOption(status: HTMLElement, make: () => Promise<void>, after: () => void): HTMLElement | null {
  if (!passkey.available()) return null;
  const withKey = h('button', { type: 'button' }, t('web-create-with-passkey'));
  withKey.addEventListener('click', () => void act(withKey, status, async () => {
    let made: { account: string; token: string; credential: string };
    let prf: Uint8Array;
    try {
      // A name the passkey manager shows; not the person's name, which the server need not see.
      made = await passkey.register('Rugzak');
      prf = await passkey.prfOfCredential(made.credential);
    } catch (e) {
      throw new Shown(passkeyProblem(e));
    }
    try {
      await make();
      const wrapped = s.rz!.lockWithPasskey(prf);
      s.session = { account: made.account, token: made.token };
      s.me = JSON.parse(s.rz!.whoAmI());
      s.stored = { lock: 'passkey', account: made.account, wrapped, sealed: s.rz!.sealState(), role: s.me.role };
      await store.save(s.stored);
    } catch (e) {
      s.rz?.free();
      s.rz = null;
      s.session = null;
      void passkey.signOut(made.token).catch(() => undefined);
      throw e;
    } finally {
      prf.fill(0);
    }
    after();
  }));
  return h('section', {}, h('h2', {}, t('web-or-passkey')), h('p', {}, t('web-passkey-intro')), withKey);
}

/// A form of `fields` and a new passphrase: on submit, `make` creates (or recovers) the rugzak,
/// the passphrase locks it, and `after` shows what comes next.
function passphraseForm(fields: HTMLElement[], label: string, status: HTMLElement, make: () => Promise<void>, after: () => void): HTMLElement {
  const pass = passphraseFields();
  const button = h('button', { type: 'submit', class: 'primary' }, label);
  return h('form', {
    onsubmit: (ev: Event) => {
      ev.preventDefault();
      void act(button, status, async () => {
        const p = pass.value();
        if (p === null) throw new Shown(t('web-passphrases-differ'));
        await make();
        await lockAndStore(p);
        after();
      });
    },
  }, ...fields, ...pass.fields, button, status);
}

const toStart = (): void => { header(); go('/'); };

export function createInwoner(): void {
  const name = h('input', { type: 'text', autocomplete: 'given-name' });
  const status = h('div');
  const make = async (): Promise<void> => { s.rz = queued(await core.Rugzak.createInwoner(server, name.value || undefined)); };
  show(h('h1', {}, t('web-create-inwoner')), h('p', {}, t('web-create-intro')),
    passphraseForm([field(t('web-display-name'), name, t('web-display-name-hint'))], t('web-create'), status, make, recoveryScreen),
    passkeyOption(status, make, recoveryScreen));
}

export function recoveryScreen(): void {
  if (!s.rz) return;
  const code = s.rz.recoveryCode();
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

export function recoverScreen(): void {
  const code = h('textarea', { rows: 3, autocomplete: 'off', spellcheck: 'false' });
  const make = async (): Promise<void> => { s.rz = queued(await core.Rugzak.recover(server, code.value)); };
  show(h('h1', {}, t('web-recover')),
    passphraseForm([field(t('web-recovery-code'), code, t('web-recovery-code-hint'))], t('web-recover'), h('div'), make, toStart));
}

export function createProfessional(): void {
  const role = h('select', {},
    h('option', { value: 'huisarts' }, t('role-huisarts')),
    h('option', { value: 'welzijnscoach' }, t('role-welzijnscoach')),
    h('option', { value: 'poh-ggz' }, t('role-poh-ggz')));
  const name = h('input', { type: 'text', autocomplete: 'name', required: true });
  const org = h('input', { type: 'text', autocomplete: 'organization', required: true });
  const status = h('div');
  const make = async (): Promise<void> => {
    // The passkey button does not submit the form, so the required fields are checked here too.
    if (!name.value.trim() || !org.value.trim()) throw new Shown(t('web-name-and-organisation-needed'));
    s.rz = queued(await core.Rugzak.createProfessional(server, role.value, name.value, org.value));
  };
  show(h('h1', {}, t('web-create-professional')),
    passphraseForm([field(t('web-role'), role), field(t('web-name'), name), field(t('web-organisation'), org)], t('web-create'), status, make, toStart),
    passkeyOption(status, make, toStart));
}

/// The signed-in account's passkeys, when signed in with one.
export async function accountScreen(): Promise<void> {
  const content = h('div', {}, busy(t('web-loading')));
  show(h('h1', {}, t('web-account-title')), content);
  if (!s.session) {
    content.replaceChildren(h('p', { class: 'empty' }, t('web-account-no-passkey')));
    return;
  }
  try {
    const keys = await passkey.passkeys(s.session.token);
    content.replaceChildren(h('p', {}, t('web-account-intro')),
      h('ul', { class: 'plain' }, ...keys.map((k) => h('li', { class: 'passkey', 'data-passkey': k.id },
        t('web-passkey-made', { time: core.localTime(k.created_at) }), ' · ',
        k.last_used_at === null ? t('web-passkey-never-used') : t('web-passkey-last-used', { time: core.localTime(k.last_used_at) })))));
  } catch (e) {
    content.replaceChildren(alertBox(e));
  }
}
