import { randomBytes, randomUUID } from 'node:crypto';

/** Randomness port (session tokens, challenges, ids). */
export interface Random {
  bytes(n: number): Uint8Array;
  uuid(): string;
}

export const systemRandom: Random = {
  bytes: (n) => new Uint8Array(randomBytes(n)),
  uuid: () => randomUUID(),
};
