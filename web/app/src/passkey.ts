// Passkeys: sign-up and sign-in with the server's WebAuthn ceremonies (webauthn-rs), and the
// passkey's PRF output as the lock of this device's key.
//
// - Sign-up (`/v1/accounts/register`) makes a discoverable passkey, so sign-in
//   (`/v1/session/discover`) names no account: the person picks their passkey and the server
//   finds the account by it. The server checks every signature; it issues a session token.
// - Every `get()` also asks the passkey's PRF extension for 32 secret bytes under Rugzak's salt;
//   the WebAssembly core locks the device key to them (age, `crypto::device_state_identity`).
//   The PRF output never leaves this page: what goes to the server carries no extension output.
// - The device opens with the PRF output alone: the server's session is extra (offline, or when
//   the server refuses, the rugzak on this device still opens).

/* eslint-disable @typescript-eslint/no-explicit-any */

const SALT = new TextEncoder().encode('rugzak/v1/device-lock');
/// How long a call to the server may take before the app stops waiting.
const CALL_TIMEOUT_MS = 20_000;

/// The authenticator offers no PRF: this passkey cannot lock the rugzak (choose a passphrase).
export class NoPrf extends Error {}

/// The server refused, with its stable code (`passkey_rejected`, `rate_limited`, ...).
export class Refused extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

function toB64url(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let bin = '';
  for (const b of view) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromB64url(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
  return out;
}

const random = (n: number): Uint8Array<ArrayBuffer> => crypto.getRandomValues(new Uint8Array(new ArrayBuffer(n)));

export const available = (): boolean => typeof PublicKeyCredential !== 'undefined';

async function call(method: string, path: string, body?: unknown, token?: string): Promise<any> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
  });
  if (response.status === 204) return null;
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new Refused(json.code ?? 'server_error', json.message ?? '');
  return json;
}

/// A `get()` or `create()` without an authenticator never ends by itself: give up after two minutes.
async function withTimeout<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return run(AbortSignal.timeout(120_000));
}

const prfOf = (cred: PublicKeyCredential | null): Uint8Array | null => {
  const out = (cred?.getClientExtensionResults() as any)?.prf?.results?.first;
  return out ? new Uint8Array(out) : null;
};

/// A new account on the server with a new discoverable passkey named `label`: the session, the
/// account and the passkey's credential id.
export async function register(label: string): Promise<{ account: string; token: string; credential: string }> {
  const start = await call('POST', '/v1/accounts/register/start', { label });
  const o = start.options.publicKey;
  const publicKey = {
    ...o,
    challenge: fromB64url(o.challenge),
    user: { ...o.user, id: fromB64url(o.user.id) },
    excludeCredentials: (o.excludeCredentials ?? []).map((c: any) => ({ ...c, id: fromB64url(c.id) })),
    extensions: { ...o.extensions, prf: {} },
  };
  const cred = await withTimeout((signal) => navigator.credentials.create({ publicKey, signal })) as PublicKeyCredential | null;
  if (!cred) throw new NoPrf();
  if (!(cred.getClientExtensionResults() as any).prf?.enabled) {
    // Without PRF the passkey cannot lock the rugzak: the account is not finished (the server
    // drops the ceremony), and the authenticator is told to forget the passkey where it can.
    await (PublicKeyCredential as any).signalUnknownCredential?.({ rpId: location.hostname, credentialId: toB64url(cred.rawId) }).catch?.(() => undefined);
    throw new NoPrf();
  }
  const response = cred.response as AuthenticatorAttestationResponse;
  const finish = await call('POST', '/v1/accounts/register/finish', {
    ceremony: start.ceremony,
    credential: {
      id: cred.id,
      rawId: toB64url(cred.rawId),
      type: cred.type,
      response: {
        attestationObject: toB64url(response.attestationObject),
        clientDataJSON: toB64url(response.clientDataJSON),
        transports: response.getTransports?.() ?? [],
      },
      extensions: {},
    },
  });
  return { account: finish.account, token: finish.token, credential: toB64url(cred.rawId) };
}

/// The PRF output of passkey `credential` (base64url), without the server: right after sign-up.
export async function prfOfCredential(credential: string): Promise<Uint8Array> {
  const got = await withTimeout((signal) => navigator.credentials.get({
    signal,
    publicKey: {
      challenge: random(32),
      rpId: location.hostname,
      allowCredentials: [{ type: 'public-key', id: fromB64url(credential) }],
      userVerification: 'required',
      extensions: { prf: { eval: { first: SALT } } } as any,
    },
  })) as PublicKeyCredential | null;
  const prf = prfOf(got);
  if (!prf) throw new NoPrf();
  return prf;
}

/// One touch of whichever Rugzak passkey the person picks: its PRF output, the account it
/// belongs to (its user handle; `null` if the authenticator gives none), and `finish`, which
/// turns it into a session at the server. Without the server (offline, refusing) the touch
/// still happens, with a challenge nobody checks, and `finish` fails.
export async function signIn(legacyCredential?: string): Promise<{
  account: string | null; prf: Uint8Array; finish: () => Promise<{ account: string; token: string }>;
}> {
  let start: any = null;
  try {
    start = await call('POST', '/v1/session/discover/start');
  } catch {
    start = null;
  }
  const o = start?.options.publicKey ?? { rpId: location.hostname, userVerification: 'required' };
  const publicKey = {
    ...o,
    challenge: start ? fromB64url(o.challenge) : random(32),
    // A passkey made before sign-in existed is named; otherwise the person picks.
    allowCredentials: legacyCredential ? [{ type: 'public-key', id: fromB64url(legacyCredential) }] : [],
    extensions: { ...o.extensions, prf: { eval: { first: SALT } } },
  };
  // A modal sign-in (the person pressed a button), not the autofill the server also allows.
  const got = await withTimeout((signal) => navigator.credentials.get({ publicKey, signal })) as PublicKeyCredential | null;
  const prf = prfOf(got);
  if (!got || !prf) throw new NoPrf();
  const response = got.response as AuthenticatorAssertionResponse;
  const account = response.userHandle ? toB64url(response.userHandle) : null;
  const finish = async (): Promise<{ account: string; token: string }> => {
    if (!start) throw new Refused('unreachable', '');
    const done = await call('POST', '/v1/session/discover/finish', {
      ceremony: start.ceremony,
      credential: {
        id: got.id,
        rawId: toB64url(got.rawId),
        type: got.type,
        response: {
          authenticatorData: toB64url(response.authenticatorData),
          clientDataJSON: toB64url(response.clientDataJSON),
          signature: toB64url(response.signature),
          userHandle: account,
        },
        // Never the PRF output: that stays here.
        extensions: {},
      },
    });
    return { account: done.account, token: done.token };
  };
  return { account, prf, finish };
}

/// The account's passkeys (no key material): id, created, last used (Unix seconds).
export const passkeys = (token: string): Promise<{ id: string; created_at: number; last_used_at: number | null }[]> =>
  call('GET', '/v1/account/passkeys', undefined, token);

/// Ends the session at the server (the token is refused from now on).
export const signOut = (token: string): Promise<null> => call('POST', '/v1/session/logout', undefined, token);
