// Wire encodings at the service edge: the wire carries base64, repositories bytes.
export const toB64 = (u: Uint8Array): string => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('base64');
export const fromB64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
/** OPAQUE messages from @serenity-kit/opaque are base64url without padding. */
export const toB64Url = (u: Uint8Array): string => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('base64url');
export const fromB64Url = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64url'));
export const iso = (ms: number): string => new Date(ms).toISOString();
/** Decoded length of a standard base64 string (validated by the route schema). */
export const b64Bytes = (s: string): number => (s.length / 4) * 3 - (s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0);
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
