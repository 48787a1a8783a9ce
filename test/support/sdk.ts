// Shared settings for tests that drive the SDK: cheap Argon2 (configuration, never the
// shipped defaults) and helpers to sign up people quickly.
import { Session, type ConnectOptions } from '@obscura/sdk';
import { nodeLibrary } from '@obscura/sdk/node';

/** Test-only key stretching: the shipped defaults stay 64 MiB / t=3 (see packages/crypto). */
export const FAST_KDF = { memoryKiB: 1024, iterations: 1, parallelism: 1 } as const;
export const FAST_OPAQUE = { 'argon2id-custom': { iterations: 1, memory: 1024, parallelism: 1 } } as const;
export const fastOptions = (server: string): ConnectOptions => ({ server, kdfParams: FAST_KDF, opaqueKeyStretching: FAST_OPAQUE });

let counter = 0;
export async function newPerson(server: string, name: string, password = `correct horse ${name} battery`) {
  const email = `${name.toLowerCase()}-${process.pid}-${++counter}@example.org`;
  const { session, recoveryKey } = await Session.signup({ ...fastOptions(server), email, password, displayName: name });
  return { session, library: nodeLibrary(session), email, password, recoveryKey };
}
