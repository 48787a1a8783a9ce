// [Note: recovery challenge binding]
// The recovering client signs, with the account's Ed25519 key (unlocked by the
// recovery key), a message that binds the server's random challenge to the new
// OPAQUE registration record and password envelope. A signature over the bare
// challenge could be replayed with a different record by whoever saw it.

const RECOVERY_CONTEXT = 'obscura-recovery-v1';

/** The exact bytes the client signs and the server verifies in recovery finish. */
export function recoverySignedMessage(p: {
  challengeB64: string;
  registrationRecordB64: string;
  passwordEnvelopeB64: string;
}): Uint8Array {
  return new TextEncoder().encode(
    `${RECOVERY_CONTEXT}\n${p.challengeB64}\n${p.registrationRecordB64}\n${p.passwordEnvelopeB64}`,
  );
}
