// The browser's copy of a Rugzak: the state sealed by WebAssembly under this device's key, and
// that key locked with a passphrase or a passkey. Only ciphertext is stored here.

export interface Stored {
  /// 'passphrase' or 'passkey': how the device key is locked.
  lock: 'passphrase' | 'passkey';
  /// The device key, locked.
  wrapped: Uint8Array;
  /// The state, sealed under the device key.
  sealed: Uint8Array;
  /// The server account whose passkey locks it (base64url), when locked with a passkey.
  account?: string;
  /// The passkey's credential id (base64url), kept by versions before sign-in with the server.
  credential?: string;
  /// The role, shown on the unlock screen before anything is opened.
  role: string;
  /// The last view of each screen that can be read offline (the overview, a shared vault),
  /// sealed under the device key like the state.
  views?: Record<string, Uint8Array>;
}

const DB = 'rugzak';
const STORE = 'device';
const KEY = 'current';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx<T>(mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  return new Promise((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const req = run(t.objectStore(STORE));
    t.oncomplete = () => { db.close(); resolve(req.result); };
    t.onerror = () => { db.close(); reject(t.error); };
    // A full disk (QuotaExceededError) aborts the transaction: report it, never hang.
    t.onabort = () => { db.close(); reject(t.error ?? new Error('IndexedDB transaction aborted')); };
  });
}

export const load = (): Promise<Stored | undefined> => tx('readonly', (s) => s.get(KEY));
export const save = (v: Stored): Promise<IDBValidKey> => tx('readwrite', (s) => s.put(v, KEY));
export const forget = (): Promise<undefined> => tx('readwrite', (s) => s.delete(KEY));
