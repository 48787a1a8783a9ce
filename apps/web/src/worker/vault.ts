// [Note: what the browser keeps] To stay logged in across reloads the worker keeps the saved
// session (token + account keys) and the decrypted timeline index in IndexedDB, sealed with
// AES-256-GCM under a *device key*: a WebCrypto key made non-extractable, stored in IndexedDB
// as a CryptoKey object (its bytes cannot be read by script, not even ours). Logging out deletes
// the device key and everything sealed under it. Thumbnails are cached as the server's
// ciphertext (encrypted under each photo's file key, which is never stored). docs/security.md
// says what this does and does not protect against.
import { idbDelete, idbGet, idbSet } from './store.ts';

const DEVICE_KEY = 'device-key';
let deviceKey: Promise<CryptoKey> | undefined;

async function loadOrMake(): Promise<CryptoKey> {
  const existing = await idbGet<CryptoKey>('kv', DEVICE_KEY);
  if (existing) return existing;
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  await idbSet('kv', DEVICE_KEY, key);
  return key;
}

const key = () => (deviceKey ??= loadOrMake());

interface Sealed { readonly iv: Uint8Array; readonly ct: ArrayBuffer }

/** Stores `value` (JSON) sealed under the device key at `name`. */
export async function sealPut(name: string, value: unknown): Promise<void> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const pt = new TextEncoder().encode(JSON.stringify(value));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(name) }, await key(), pt);
  await idbSet('kv', `sealed:${name}`, { iv, ct } satisfies Sealed);
}

/** The value sealed at `name`, or undefined when absent or unreadable (another device key). */
export async function sealGet<T>(name: string): Promise<T | undefined> {
  const s = await idbGet<Sealed>('kv', `sealed:${name}`);
  if (!s) return undefined;
  try {
    const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: s.iv as Uint8Array<ArrayBuffer>, additionalData: new TextEncoder().encode(name) }, await key(), s.ct);
    return JSON.parse(new TextDecoder().decode(pt)) as T;
  } catch {
    return undefined;
  }
}

export const sealDelete = (name: string) => idbDelete('kv', `sealed:${name}`);

/** Forgets the device key: everything sealed under it becomes unreadable at once. */
export async function forgetDeviceKey(): Promise<void> {
  deviceKey = undefined;
  await idbDelete('kv', DEVICE_KEY);
}
