// A passkey as the lock of this device's key: the passkey's PRF extension gives 32 secret bytes
// for a fixed salt, and the WebAssembly core locks the device key to them (age, through
// `crypto::device_state_identity`). This is a local unlock, not a sign-in with the server: the
// challenge is never checked by anyone; only the PRF output matters, and it never leaves the page.

/* eslint-disable @typescript-eslint/no-explicit-any */

const SALT = new TextEncoder().encode('rugzak/v1/device-lock');

export class NoPrf extends Error {}

function random(n: number): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(new ArrayBuffer(n)));
}

function toB64url(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromB64url(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
  return out;
}

export const available = (): boolean => typeof PublicKeyCredential !== 'undefined';

/// Makes a passkey on this device for `label`; answers its credential id (base64url).
export async function create(label: string): Promise<string> {
  const cred = await navigator.credentials.create({
    publicKey: {
      rp: { name: 'Rugzak', id: location.hostname },
      user: { id: random(16), name: label, displayName: label },
      challenge: random(32),
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }, { type: 'public-key', alg: -257 }],
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      extensions: { prf: {} } as any,
    },
  }) as PublicKeyCredential | null;
  if (!cred) throw new NoPrf();
  if (!(cred.getClientExtensionResults() as any).prf?.enabled) throw new NoPrf();
  return toB64url(cred.rawId);
}

/// The passkey's PRF output for Rugzak's salt (asks the person to confirm with the passkey).
export async function secret(credential: string): Promise<Uint8Array> {
  // A get() without an authenticator never ends by itself: give up after two minutes.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 120_000);
  try {
    const got = await navigator.credentials.get({
      signal: abort.signal,
      publicKey: {
        challenge: random(32),
        rpId: location.hostname,
        allowCredentials: [{ type: 'public-key', id: fromB64url(credential) }],
        userVerification: 'required',
        extensions: { prf: { eval: { first: SALT } } } as any,
      },
    }) as PublicKeyCredential | null;
    const out = (got?.getClientExtensionResults() as any)?.prf?.results?.first;
    if (!out) throw new NoPrf();
    return new Uint8Array(out);
  } finally {
    clearTimeout(timer);
  }
}
