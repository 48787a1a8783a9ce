import { ERROR_STATUS, type ErrorCode } from '@obscura/protocol';

/** An error meant for the client: a code from the protocol and a message a person can act on. */
export class AppError extends Error {
  readonly status: number;
  constructor(readonly code: ErrorCode, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

export const badRequest = (m: string) => new AppError('bad-request', m);
export const unauthorized = (m: string) => new AppError('unauthorized', m);
export const notFound = (m: string) => new AppError('not-found', m);
export const conflict = (m: string) => new AppError('conflict', m);

/** Short form of an id for messages: "8f3a1c2d…". */
export const shortId = (id: string) => `${id.slice(0, 8)}…`;
