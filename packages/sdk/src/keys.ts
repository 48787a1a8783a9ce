// [Note: trust on first use] A photo's manifest is verified with its uploader's Ed25519 key.
// My own key comes from my bundle, never from the server. Another person's key is taken
// from the server the first time we see it and pinned; a later different key for the same
// person is refused loudly (KeyChangedError) instead of silently trusted.
import { ed25519PublicKeyFromBytes, fromBase64, toBase64, type Ed25519PublicKey } from '@obscura/crypto';
import type { Session } from './session.ts';

export class KeyChangedError extends Error {
  override readonly name = 'KeyChangedError';
  constructor(readonly userId: string, readonly displayName: string) {
    super(`WARNING: the signing key of ${displayName} (${userId}) changed since it was first seen. ` +
      'Their photos are refused until you compare fingerprints with them and accept the new key.');
  }
}

/** Pinned public keys by user id (base64). Persist it with `toJSON()`. */
export class KeyPins {
  private readonly pins: Map<string, string>;
  constructor(initial: Record<string, string> = {}) {
    this.pins = new Map(Object.entries(initial));
  }
  toJSON(): Record<string, string> {
    return Object.fromEntries(this.pins);
  }
  /** The signing key to verify `uploader`'s signatures with. */
  signingKeyOf(session: Session, uploader: { id: string; displayName: string; ed25519PublicKeyB64: string }): Ed25519PublicKey {
    if (uploader.id === session.user.id) return session.bundle.signingKeys.publicKey;
    const pinned = this.pins.get(uploader.id);
    if (pinned === undefined) {
      this.pins.set(uploader.id, uploader.ed25519PublicKeyB64);
    } else if (pinned !== uploader.ed25519PublicKeyB64) {
      throw new KeyChangedError(uploader.id, uploader.displayName);
    }
    return ed25519PublicKeyFromBytes(fromBase64(uploader.ed25519PublicKeyB64));
  }
  /** Accepts a new key after the person compared fingerprints out of band. */
  accept(userId: string, ed25519PublicKey: Uint8Array): void {
    this.pins.set(userId, toBase64(ed25519PublicKey));
  }
}
