// Shared by every screen: the open Rugzak (a handle on the WebAssembly core), who is signed in,
// the stored copy, and the small helpers that show progress and errors.

import * as core from '../../dist/pkg/rugzak_web.js';
import { h } from './dom';
import * as store from './store';
import { Refused, signOut } from './passkey';

export type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export const server = location.origin;

/// What is open: the Rugzak handle (keys stay inside it), who that is, the stored copy, the
/// session with the server's passkey sign-in, and how to stop the poll of the screen shown.
export const s: {
  rz: core.Rugzak | null;
  me: Json;
  stored: store.Stored | undefined;
  session: { account: string; token: string } | null;
  leave: (() => void) | null;
  route: () => void;
} = { rz: null, me: null, stored: undefined, session: null, leave: null, route: () => undefined };

/// The handle's methods that answer at once; every other method returns a Promise.
const SYNC = new Set(['free', 'lockWithPassphrase', 'lockWithPasskey', 'sealState', 'sealText', 'openSealed', 'whoAmI', 'recoveryCode']);
let tail: Promise<unknown> = Promise.resolve();

/// The handle with its calls one after another: the core runs one call at a time (a second one
/// meanwhile is refused `in_progress`), so a click during a load waits instead of failing.
export function queued(rz: core.Rugzak): core.Rugzak {
  return new Proxy(rz, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function' || SYNC.has(String(prop))) return typeof value === 'function' ? value.bind(target) : value;
      return (...args: unknown[]) => {
        const next = tail.then(() => value.apply(target, args));
        tail = next.catch(() => undefined);
        return next;
      };
    },
  });
}

export const t = (id: string, args?: Record<string, string | number>): string =>
  core.text(id, args ? JSON.stringify(args) : undefined);

/// An error whose message is already a text for people.
export class Shown extends Error {}

export function errorText(e: unknown): string {
  if (e instanceof Error && e.name === 'RugzakError') return e.message;
  if (e instanceof Shown) return e.message;
  if (e instanceof Refused) return t(`error-${e.code.replace(/_/g, '-')}`);
  if (e instanceof TypeError) return t('web-unreachable');
  return t('error-unknown', { code: String(e) });
}

export function errorCode(e: unknown): string | undefined {
  return (e as { code?: string })?.code;
}

export function alertBox(e: unknown): HTMLElement {
  return h('p', { class: 'alert', role: 'alert', 'data-code': errorCode(e) ?? 'unknown' }, errorText(e));
}

export function busy(label: string): HTMLElement {
  return h('p', { class: 'busy', role: 'status', 'aria-live': 'polite' }, label);
}

/// Runs `work` with the button disabled and a status line, showing a clear error on failure.
export async function act(button: HTMLButtonElement, status: HTMLElement, work: () => Promise<void>): Promise<void> {
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

export async function persist(): Promise<void> {
  if (!s.rz || !s.stored) return;
  s.stored.sealed = s.rz.sealState();
  await store.save(s.stored);
}

/// Whether `e` means the server could not be reached (offline).
export const offline = (e: unknown): boolean => e instanceof TypeError || errorCode(e) === 'unreachable';

/// Keeps `json`, the view of screen `key`, sealed for reading offline (saved with the next
/// `persist`); `null` forgets it.
export function keepView(key: string, json: string | null): void {
  if (!s.rz || !s.stored) return;
  const views = { ...(s.stored.views ?? {}) };
  if (json === null) delete views[key];
  else views[key] = s.rz.sealText(json);
  s.stored.views = views;
}

/// The view of screen `key` kept on this device, if any.
export function keptView(key: string): Json | null {
  const sealed = s.stored?.views?.[key];
  if (!sealed || !s.rz) return null;
  try {
    return JSON.parse(s.rz.openSealed(sealed));
  } catch {
    return null;
  }
}

/// What a screen shows when the server cannot be reached: the error, and what was kept.
export function offlineView(e: unknown, key: string, render: (view: Json) => HTMLElement): HTMLElement[] {
  const kept = offline(e) ? keptView(key) : null;
  if (!kept) return [alertBox(e)];
  return [h('p', { class: 'alert offline', role: 'status', 'data-testid': 'offline' }, t('web-offline-kept')), render(kept)];
}

export function go(path: string): void {
  if (location.hash === `#${path}`) s.route();
  else location.hash = path;
}

/// Locks the app: the keys are dropped from memory (WebAssembly zeroizes them) and the server
/// session, if any, ends.
function lock(): void {
  if (s.session) void signOut(s.session.token).catch(() => undefined);
  s.session = null;
  s.rz?.free();
  s.rz = null;
  s.me = null;
  header();
  go('/');
}

export function header(): void {
  const bar = document.getElementById('bar');
  if (!bar) return;
  const other = core.text('web-other-language-tag');
  bar.replaceChildren(
    h('a', { href: '#/', class: 'brand' }, 'Rugzak'),
    h('nav', { 'aria-label': t('web-nav-label') },
      s.rz && s.me?.role === 'inwoner' ? h('a', { href: '#/toestemmingen' }, t('web-nav-grants')) : null,
      s.rz && s.me?.role === 'inwoner' ? h('a', { href: '#/logboek' }, t('web-nav-log')) : null,
      s.rz && s.me?.role === 'inwoner' ? h('a', { href: '#/delen' }, t('web-nav-share')) : null,
      h('button', {
        type: 'button', class: 'link', lang: other,
        onclick: () => { localStorage.setItem('rugzak-lang', other); core.setLanguage(other); document.documentElement.lang = other; header(); s.route(); },
      }, t('web-other-language')),
      s.session ? h('a', { href: '#/account' }, t('web-nav-account')) : null,
      s.rz ? h('button', { type: 'button', class: 'link', onclick: lock }, t('web-lock')) : null,
    ),
  );
}
