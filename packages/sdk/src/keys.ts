// [Note: trust on first use] A photo's manifest is verified with its uploader's Ed25519 key,
// and album keys are sealed to a member's X25519 key. My own keys come from my bundle, never
// from the server. Another person's keys are taken from the server the first time we see
// them and pinned; a later different key for the same person is refused loudly
// (KeyChangedError) instead of silently trusted. Fingerprints let people compare out of band.
import {
  ed25519PublicKeyFromBytes, publicKeysFromBytes, fingerprint, fromBase64,
  type Ed25519PublicKey, type PublicKeys,
} from '@obscura/crypto';
import type { Session } from './session.ts';

export class KeyChangedError extends Error {
  override readonly name = 'KeyChangedError';
  constructor(readonly userId: string, readonly displayName: string) {
    super(`WARNING: the keys of ${displayName} (${userId}) changed since they were first seen. ` +
      'Nothing is shared with them or shown from them until you compare fingerprints (obscura fingerprint EMAIL) and accept the new key.');
  }
}

interface Pin {
  ed25519: string;
  x25519?: string;
}

export interface PersonKeys {
  readonly id: string;
  readonly displayName: string;
  readonly ed25519PublicKeyB64: string;
  readonly x25519PublicKeyB64?: string;
}

/** Pinned public keys by user id (base64). Persist it with `toJSON()`. */
export class KeyPins {
  private readonly pins: Map<string, Pin>;
  constructor(initial: Record<string, Pin> = {}) {
    this.pins = new Map(Object.entries(initial));
  }
  toJSON(): Record<string, Pin> {
    return Object.fromEntries(this.pins);
  }

  private check(person: PersonKeys): void {
    const pinned = this.pins.get(person.id);
    if (!pinned) {
      this.pins.set(person.id, { ed25519: person.ed25519PublicKeyB64, ...(person.x25519PublicKeyB64 ? { x25519: person.x25519PublicKeyB64 } : {}) });
      return;
    }
    if (pinned.ed25519 !== person.ed25519PublicKeyB64) throw new KeyChangedError(person.id, person.displayName);
    if (person.x25519PublicKeyB64) {
      if (pinned.x25519 === undefined) pinned.x25519 = person.x25519PublicKeyB64;
      else if (pinned.x25519 !== person.x25519PublicKeyB64) throw new KeyChangedError(person.id, person.displayName);
    }
  }

  /** The signing key to verify `person`'s signatures with. */
  signingKeyOf(session: Session, person: PersonKeys): Ed25519PublicKey {
    if (person.id === session.user.id) return session.bundle.signingKeys.publicKey;
    this.check(person);
    return ed25519PublicKeyFromBytes(fromBase64(person.ed25519PublicKeyB64));
  }

  /** Both public keys of `person` (to seal to them), checked against the pin. */
  publicKeysOf(session: Session, person: PersonKeys & { x25519PublicKeyB64: string }): PublicKeys {
    if (person.id === session.user.id) return session.publicKeys;
    this.check(person);
    return publicKeysFromBytes({ x25519: fromBase64(person.x25519PublicKeyB64), ed25519: fromBase64(person.ed25519PublicKeyB64) });
  }

  /** Accepts new keys after the person compared fingerprints out of band. */
  accept(person: PersonKeys & { x25519PublicKeyB64: string }): void {
    this.pins.set(person.id, { ed25519: person.ed25519PublicKeyB64, x25519: person.x25519PublicKeyB64 });
  }

  isPinned(userId: string): boolean {
    return this.pins.has(userId);
  }
}

/** The short fingerprint of someone's keys as the server lists them. */
export function fingerprintOf(person: { x25519PublicKeyB64: string; ed25519PublicKeyB64: string }): Promise<string> {
  return fingerprint(publicKeysFromBytes({ x25519: fromBase64(person.x25519PublicKeyB64), ed25519: fromBase64(person.ed25519PublicKeyB64) }));
}
