// [Note: trust on first use] A photo's manifest is verified with its uploader's Ed25519 key,
// and album keys are sealed to a member's X25519 key. My own keys come from my bundle, never
// from the server. Another person's keys are taken from the server the first time we see
// them and pinned, by account id and by email ([Note: pins by email]); a later different key
// for the same person, or their email on another account, is refused loudly
// (KeyChangedError) instead of silently trusted. Fingerprints let people compare out of band.
import {
  ed25519PublicKeyFromBytes, publicKeysFromBytes, fingerprint, fromBase64,
  type Ed25519PublicKey, type PublicKeys,
} from '@obscura/crypto';
import { UsageError } from './errors.ts';
import type { Session } from './session.ts';

/**
 * What changed about a person the pins already knew:
 * - `keys`: the same account (id) now presents other public keys;
 * - `email-moved`: an email we pinned for one account now belongs to another account (id);
 * - `email-changed`: an account (id) we pinned under one email now shows another email.
 */
export type KeyChangeKind = 'keys' | 'email-moved' | 'email-changed';

export interface KeyChangeDetail {
  readonly change: KeyChangeKind;
  /** The (normalized) email the server shows for the person now, when it shows one. */
  readonly email?: string;
  /** `email-moved`: the account the email was pinned to. */
  readonly pinnedUserId?: string;
  /** `email-changed`: the email the account was pinned under. */
  readonly pinnedEmail?: string;
  /** `email-moved`: whether the new account also has other keys than the pinned one. */
  readonly otherKeys?: boolean;
}

export class KeyChangedError extends Error {
  override readonly name = 'KeyChangedError';
  readonly change: KeyChangeKind;
  readonly email: string | undefined;
  readonly pinnedUserId: string | undefined;
  readonly pinnedEmail: string | undefined;
  /** The change in one sentence, without the advice (the CLI words its own). */
  readonly what: string;
  constructor(readonly userId: string, readonly displayName: string, detail: KeyChangeDetail = { change: 'keys' }) {
    const { change, email, pinnedUserId, pinnedEmail } = detail;
    const what = change === 'email-moved'
      ? `${email} now belongs to another account (id ${userId}, shown as ${displayName}) ` +
        `${detail.otherKeys === false ? 'with the same keys' : 'with other keys'}; you pinned it for account ${pinnedUserId}`
      : change === 'email-changed'
        ? `the account ${userId} (${displayName}) that you pinned as ${pinnedEmail} now shows the email ${email}`
        : `the keys of ${displayName}${email ? ` <${email}>` : ''} (${userId}) changed since they were first seen`;
    const who = email ?? 'EMAIL';
    super(`WARNING: ${what}. Nothing is shared with them or shown from them until you compare fingerprints with them ` +
      `in person or by phone (obscura fingerprint ${who}) and accept the new key (obscura fingerprint ${who} --accept).`);
    this.change = change;
    this.email = email;
    this.pinnedUserId = pinnedUserId;
    this.pinnedEmail = pinnedEmail;
    this.what = what;
  }
}

/** Pinned public keys (base64). */
export interface Pin {
  ed25519: string;
  x25519?: string;
}
/** An account's pin; `email` is the email it was first seen with (absent in v1 pins). */
export interface IdPin extends Pin {
  email?: string;
}
/** An email's pin: the account (id) and keys it belonged to when first seen. */
export interface EmailPin extends Pin {
  id: string;
}

/** The original pins.json shape: public keys by user id. Still read. */
export type KeyPinsV1JSON = Record<string, Pin>;
/** [Note: pins by email] the current shape: by user id and by normalized email. */
export interface KeyPinsJSON {
  version: 2;
  byId: Record<string, IdPin>;
  byEmail: Record<string, EmailPin>;
}

export interface PersonKeys {
  readonly id: string;
  /** Present for full user refs (members, invitees, senders); absent for uploader refs. */
  readonly email?: string;
  readonly displayName: string;
  readonly ed25519PublicKeyB64: string;
  readonly x25519PublicKeyB64?: string;
}

/** Where a person stands against the pins (see `KeyPins.statusOf`). */
export type PinStatus =
  | { readonly status: 'unpinned' }
  | { readonly status: 'pinned'; readonly pinned: Pin }
  | { readonly status: 'changed'; readonly pinned: Pin & { readonly id: string; readonly email?: string }; readonly error: KeyChangedError };

/** Emails are compared as the server stores them: trimmed and lower-cased. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

const keysOf = (p: PersonKeys): Pin =>
  ({ ed25519: p.ed25519PublicKeyB64, ...(p.x25519PublicKeyB64 ? { x25519: p.x25519PublicKeyB64 } : {}) });

/** Same keys, where both sides know them (an uploader ref carries no X25519 key). */
const sameKeys = (pin: Pin, p: PersonKeys): boolean =>
  pin.ed25519 === p.ed25519PublicKeyB64 &&
  (pin.x25519 === undefined || p.x25519PublicKeyB64 === undefined || pin.x25519 === p.x25519PublicKeyB64);

function isPin(v: unknown): v is Pin {
  if (!v || typeof v !== 'object') return false;
  const p = v as Partial<Pin>;
  return typeof p.ed25519 === 'string' && (p.x25519 === undefined || typeof p.x25519 === 'string');
}

/**
 * Pinned public keys of other people, by user id and by email (base64), for ONE server:
 * user ids and emails only mean something on the server that issued them, so keep one
 * KeyPins per server (the CLI keeps them by server URL in pins.json). Persist with `toJSON()`;
 * the constructor also reads the original v1 shape (`Record<userId, Pin>`), which knows no
 * emails: those are pinned the next time each person is seen with one.
 *
 * [Note: pins by email] Pinning by id alone lets the server operator swap identities: rename
 * Bob's account, register a new account with Bob's email and the operator's keys, and the
 * next lookup of bob@… is a never-seen id, silently trusted on first use. So a person who
 * comes with an email is checked both ways: the email must still map to the same account,
 * and the account must still show the same email, besides the same keys. Any difference is a
 * KeyChangedError until `accept` (after comparing fingerprints out of band).
 */
export class KeyPins {
  private readonly byId: Map<string, IdPin>;
  private readonly byEmail: Map<string, EmailPin>;

  constructor(initial: KeyPinsJSON | KeyPinsV1JSON = {}) {
    const v = initial as Partial<KeyPinsJSON> & Record<string, unknown>;
    if ('version' in v || 'byId' in v) {
      if (v.version !== 2 || !v.byId || typeof v.byId !== 'object' || !v.byEmail || typeof v.byEmail !== 'object') {
        throw new UsageError(`the pinned keys are in an unknown format (version ${String(v.version)}), maybe from a newer Obscura; update Obscura`);
      }
      this.byId = new Map(Object.entries(v.byId).filter(([, p]) => isPin(p)).map(([id, p]) => [id, { ...p }]));
      this.byEmail = new Map(Object.entries(v.byEmail).filter(([, p]) => isPin(p) && typeof p.id === 'string').map(([e, p]) => [normalizeEmail(e), { ...p }]));
    } else {
      // v1: user id → keys; no emails known yet.
      this.byId = new Map(Object.entries(initial as KeyPinsV1JSON).filter(([, p]) => isPin(p)).map(([id, p]) => [id, keysCopy(p)]));
      this.byEmail = new Map();
    }
  }

  toJSON(): KeyPinsJSON {
    return { version: 2, byId: Object.fromEntries(this.byId), byEmail: Object.fromEntries(this.byEmail) };
  }

  /** The change that makes `person` differ from the pins, if any (never changes the pins). */
  private conflict(person: PersonKeys): { error: KeyChangedError; pinned: Pin & { id: string; email?: string } } | undefined {
    const { id, displayName } = person;
    const byId = this.byId.get(id);
    if (person.email !== undefined) {
      const email = normalizeEmail(person.email);
      const byEmail = this.byEmail.get(email);
      if (byEmail && byEmail.id !== id) {
        return {
          error: new KeyChangedError(id, displayName, { change: 'email-moved', email, pinnedUserId: byEmail.id, otherKeys: !sameKeys(byEmail, person) }),
          pinned: { ...byEmail, email },
        };
      }
      if (byId?.email !== undefined && byId.email !== email) {
        return { error: new KeyChangedError(id, displayName, { change: 'email-changed', email, pinnedEmail: byId.email }), pinned: { ...byId, id } };
      }
      if (byEmail && !sameKeys(byEmail, person)) {
        return { error: new KeyChangedError(id, displayName, { change: 'keys', email }), pinned: { ...byEmail, email } };
      }
      if (byId && !sameKeys(byId, person)) {
        return { error: new KeyChangedError(id, displayName, { change: 'keys', email }), pinned: { ...byId, id } };
      }
      return undefined;
    }
    if (byId && !sameKeys(byId, person)) return { error: new KeyChangedError(id, displayName), pinned: { ...byId, id } };
    return undefined;
  }

  /** Records what is not pinned yet about `person` (first sight), assuming no conflict. */
  private remember(person: PersonKeys): void {
    const keys = keysOf(person);
    const email = person.email !== undefined ? normalizeEmail(person.email) : undefined;
    const byId = this.byId.get(person.id);
    if (!byId) this.byId.set(person.id, { ...keys, ...(email !== undefined ? { email } : {}) });
    else {
      if (byId.x25519 === undefined && keys.x25519 !== undefined) byId.x25519 = keys.x25519;
      if (byId.email === undefined && email !== undefined) byId.email = email;
    }
    if (email === undefined) return;
    const byEmail = this.byEmail.get(email);
    if (!byEmail) this.byEmail.set(email, { id: person.id, ...keys });
    else if (byEmail.x25519 === undefined && keys.x25519 !== undefined) byEmail.x25519 = keys.x25519;
  }

  /**
   * Checks `person` against the pins: pins what is new (trust on first use), throws
   * KeyChangedError when their keys, their email's account or their account's email changed.
   */
  checkPerson(person: PersonKeys): void {
    const c = this.conflict(person);
    if (c) throw c.error;
    this.remember(person);
  }

  /** How `person` (as the server lists them) compares with the pins; changes nothing. */
  statusOf(person: PersonKeys): PinStatus {
    const c = this.conflict(person);
    if (c) return { status: 'changed', pinned: c.pinned, error: c.error };
    const pinned = this.byId.get(person.id) ?? (person.email !== undefined ? this.byEmail.get(normalizeEmail(person.email)) : undefined);
    return pinned ? { status: 'pinned', pinned: keysCopy(pinned) } : { status: 'unpinned' };
  }

  /** The server shows someone else under my own email: never trust it (I am never pinned). */
  private notMe(session: Session, person: PersonKeys): void {
    if (person.email !== undefined && normalizeEmail(person.email) === normalizeEmail(session.user.email)) {
      throw new KeyChangedError(person.id, person.displayName, { change: 'email-moved', email: normalizeEmail(person.email), pinnedUserId: session.user.id, otherKeys: true });
    }
  }

  /** The signing key to verify `person`'s signatures with. */
  signingKeyOf(session: Session, person: PersonKeys): Ed25519PublicKey {
    if (person.id === session.user.id) return session.bundle.signingKeys.publicKey;
    this.notMe(session, person);
    this.checkPerson(person);
    return ed25519PublicKeyFromBytes(fromBase64(person.ed25519PublicKeyB64));
  }

  /** Both public keys of `person` (to seal to them), checked against the pins. */
  publicKeysOf(session: Session, person: PersonKeys & { x25519PublicKeyB64: string }): PublicKeys {
    if (person.id === session.user.id) return session.publicKeys;
    this.notMe(session, person);
    this.checkPerson(person);
    return publicKeysFromBytes({ x25519: fromBase64(person.x25519PublicKeyB64), ed25519: fromBase64(person.ed25519PublicKeyB64) });
  }

  /**
   * Accepts `person` as the server lists them now, after the person compared fingerprints
   * out of band: their id, their email and both keys are pinned, replacing what conflicted.
   * An older email of the same account stays pinned to it, so a new account taking that
   * email over is still refused loudly.
   */
  accept(person: PersonKeys & { x25519PublicKeyB64: string }): void {
    const keys = { ed25519: person.ed25519PublicKeyB64, x25519: person.x25519PublicKeyB64 };
    const email = person.email !== undefined ? normalizeEmail(person.email) : undefined;
    const kept = email === undefined ? this.byId.get(person.id)?.email : email;
    this.byId.set(person.id, { ...keys, ...(kept !== undefined ? { email: kept } : {}) });
    if (email !== undefined) this.byEmail.set(email, { id: person.id, ...keys });
  }

  isPinned(userId: string): boolean {
    return this.byId.has(userId);
  }
}

function keysCopy(p: Pin): Pin {
  return { ed25519: p.ed25519, ...(p.x25519 !== undefined ? { x25519: p.x25519 } : {}) };
}

/** The short fingerprint of someone's keys as the server lists them. */
export function fingerprintOf(person: { x25519PublicKeyB64: string; ed25519PublicKeyB64: string }): Promise<string> {
  return fingerprint(publicKeysFromBytes({ x25519: fromBase64(person.x25519PublicKeyB64), ed25519: fromBase64(person.ed25519PublicKeyB64) }));
}
