import { Type, type Static } from '@sinclair/typebox';

export const ERROR_CODES = [
  'bad-request',
  'unauthorized',
  'forbidden',
  'not-found',
  'conflict',
  'limit-reached',
  'rotation-required',
  'setup-required',
  'setup-in-progress',
  'quota-exceeded',
  'payload-too-large',
  'rate-limited',
  'hash-mismatch',
  'unsupported-media-type',
  'link-expired',
  'bad-link-proof',
  'storage-full',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** HTTP status of each error code (one place, used by the server and to interpret responses). */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  'bad-request': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'limit-reached': 409,
  'rotation-required': 409,
  /** The album has no owner-signed state yet: it waits for its owner's one-time setup. */
  'setup-required': 409,
  /** Another device of the account is running its one-time setup; wait and retry. */
  'setup-in-progress': 409,
  'quota-exceeded': 413,
  'payload-too-large': 413,
  'rate-limited': 429,
  'hash-mismatch': 400,
  'unsupported-media-type': 415,
  /** A public link past its expiry date (the owner can extend it). */
  'link-expired': 410,
  /** Missing or wrong `Authorization: Link <proof>`: wrong link or password. */
  'bad-link-proof': 403,
  /** The server's own disk (or database) is full: nothing was stored; it works again once its administrator frees space. */
  'storage-full': 507,
  internal: 500,
};

export const ErrorCodeSchema = Type.Union(ERROR_CODES.map((c) => Type.Literal(c)));

/** Every non-2xx response has this body. `message` is written for people and shown as is. */
export const ErrorResponse = Type.Object(
  { error: Type.Object({ code: ErrorCodeSchema, message: Type.String() }) },
  { $id: 'ErrorResponse' },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

export function isErrorResponse(x: unknown): x is ErrorResponse {
  if (typeof x !== 'object' || x === null) return false;
  const e = (x as { error?: unknown }).error;
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string'
    && typeof (e as { message?: unknown }).message === 'string';
}
