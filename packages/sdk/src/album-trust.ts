// Verifying an album's owner-signed state on the client: see [Note: album state is
// owner-signed] in packages/crypto/src/album-state.ts for what it is and why.
//
// [Note: album state pins]
// For each album a client remembers the latest state it verified (sequence number, hash,
// epoch). A later answer from the server must be that same state or chain to it through
// every state in between; anything older is a rollback and anything that does not chain is
// a fork, and both are refused with AlbumTrustError. The first state a client sees of an
// album is accepted on its owner's signature alone, the owner's key being pinned like
// anyone's (see [Note: trust on first use]).
import {
  CryptoError, albumStateHash, checkAlbumStateChain, checkEpochKeyInState, fromBase64, toBase64, verifyAlbumState, constantTimeEqual,
  type AlbumEpochKey, type AlbumState,
} from '@obscura/crypto';
import type { SignedAlbumState, UserRef } from '@obscura/protocol';
import type { ApiClient } from './api.ts';
import type { KeyPins } from './keys.ts';
import type { Session } from './session.ts';

export type AlbumTrustCheck =
  | 'unsigned'   // the album has no owner-signed state yet (made before signed states)
  | 'signature'  // the state is not signed by the album's (pinned) owner, or is malformed
  | 'rollback'   // the state is older than one this client already verified
  | 'fork'       // the state does not chain to the one this client already verified
  | 'owner'      // the album's owner, or who invited me, is not who the signed state says
  | 'roster'     // a person is not in the owner-signed roster (or with another role or keys)
  | 'key'        // an epoch key is not the one the owner committed to
  | 'metadata';  // the album name/cover is not the one the owner signed

/** Something the server says about an album is not what its owner signed. Nothing was done. */
export class AlbumTrustError extends Error {
  override readonly name = 'AlbumTrustError';
  constructor(readonly albumId: string, readonly check: AlbumTrustCheck, reason: string, options?: { cause?: unknown }) {
    super(`album ${albumId.slice(0, 8)} refused: ${reason}`, options);
  }
}

/** The refusal for an album made before signed states (readable, never writable). */
export const unsignedRefusal = (albumId: string) =>
  new AlbumTrustError(albumId, 'unsigned', "it waits for its owner's one-time setup (its state is not signed yet); you can look at it but not add to it");

export interface AlbumStatePin {
  readonly seq: number;
  readonly hashB64: string;
  readonly epoch: number;
  readonly ownerId: string;
}

export interface AlbumStatePinsJSON {
  readonly version: 1;
  readonly albums: Record<string, AlbumStatePin>;
}

/** The latest verified state of each album, to refuse rollbacks and forks. Persist with `toJSON()`. */
export class AlbumStatePins {
  private readonly pins: Map<string, AlbumStatePin>;
  constructor(json?: AlbumStatePinsJSON | null) {
    this.pins = new Map(json && json.version === 1 ? Object.entries(json.albums) : []);
  }
  toJSON(): AlbumStatePinsJSON {
    return { version: 1, albums: Object.fromEntries(this.pins) };
  }
  get(albumId: string): AlbumStatePin | undefined {
    return this.pins.get(albumId);
  }
  set(albumId: string, pin: AlbumStatePin): void {
    this.pins.set(albumId, pin);
  }
  /** The album was deleted, or I left it: a later re-invitation starts afresh from the owner's signature. */
  forget(albumId: string): void {
    this.pins.delete(albumId);
  }
}

const asTrust = (albumId: string, check: AlbumTrustCheck) => (e: unknown): never => {
  if (e instanceof CryptoError) {
    const c: AlbumTrustCheck = e.code === 'stale-state' ? 'rollback' : e.code === 'chain-broken' ? 'fork' : check;
    throw new AlbumTrustError(albumId, c, e.message, { cause: e });
  }
  throw e;
};

/** Verifies album states against the owner's pinned key and this client's state pins. */
export class AlbumTrust {
  /** Verified states by album id (this process). */
  private readonly verified = new Map<string, AlbumState>();
  /** Epoch keys already checked against their album's commitments. */
  private readonly checkedKeys = new WeakSet<AlbumEpochKey>();

  constructor(
    private readonly session: Session,
    private readonly keyPins: KeyPins,
    readonly statePins: AlbumStatePins,
  ) {}

  private get api(): ApiClient {
    return this.session.api;
  }

  /**
   * The album's latest state as the server gives it, verified: signed by the owner I pinned,
   * the same as or a successor of the state I verified before. Updates the pin.
   */
  async verify(albumId: string, owner: UserRef, signed: SignedAlbumState | null): Promise<AlbumState> {
    const pin = this.statePins.get(albumId);
    if (!signed) {
      if (pin) throw new AlbumTrustError(albumId, 'rollback', `the server shows no signed state, but state ${pin.seq} was verified before`);
      throw unsignedRefusal(albumId);
    }
    if (pin && pin.ownerId !== owner.id) throw new AlbumTrustError(albumId, 'owner', `the server names another owner (${owner.email}) than the one verified before`);
    // The owner as the server names them now must still be the person pinned (id, email, keys),
    // also when the state itself was verified before.
    const ownerKey = this.keyPins.signingKeyOf(this.session, owner);
    const cached = this.verified.get(albumId);
    if (cached && cached.seq === signed.seq && pin && pin.seq === signed.seq) {
      if (constantTimeEqual(await albumStateHash(fromBase64(signed.stateB64)), cached.hash)) return cached;
      throw new AlbumTrustError(albumId, 'fork', `the server shows two different states number ${signed.seq}`);
    }
    const open = (s: SignedAlbumState) => verifyAlbumState(fromBase64(s.stateB64), fromBase64(s.signatureB64), ownerKey, { albumId, ownerId: owner.id })
      .then((v) => {
        if (v.seq !== s.seq) throw new AlbumTrustError(albumId, 'signature', `the server files state ${v.seq} as number ${s.seq}`);
        return v;
      });
    const latest = await open(signed).catch(asTrust(albumId, 'signature'));
    let state = latest;
    if (pin) {
      if (latest.seq < pin.seq) throw new AlbumTrustError(albumId, 'rollback', `the server shows state ${latest.seq}, older than state ${pin.seq} verified before`);
      if (latest.seq === pin.seq) {
        if (toBase64(latest.hash) !== pin.hashB64) throw new AlbumTrustError(albumId, 'fork', `the server shows another state number ${pin.seq} than the one verified before`);
      } else {
        state = await this.catchUp(albumId, pin, latest, open);
      }
    }
    this.verified.set(albumId, state);
    this.statePins.set(albumId, { seq: state.seq, hashB64: toBase64(state.hash), epoch: state.epoch, ownerId: state.ownerId });
    return state;
  }

  /** Fetches and checks every state from the pinned one to `latest`. */
  private async catchUp(
    albumId: string, pin: AlbumStatePin, latest: AlbumState, open: (s: SignedAlbumState) => Promise<AlbumState>,
  ): Promise<AlbumState> {
    const chain: AlbumState[] = [];
    let since = pin.seq - 1;
    while (since < latest.seq) {
      const { states } = await this.api.call('listAlbumStates', { params: { albumId }, query: { since } });
      if (states.length === 0) break;
      for (const s of states) chain.push(await open(s).catch(asTrust(albumId, 'signature')));
      since = states.at(-1)!.seq;
    }
    const base = chain[0];
    if (!base || base.seq !== pin.seq || toBase64(base.hash) !== pin.hashB64) {
      throw new AlbumTrustError(albumId, 'fork', `the server's history does not contain state ${pin.seq} verified before`);
    }
    const end = (() => {
      try {
        return checkAlbumStateChain(base, chain.slice(1));
      } catch (e) {
        return asTrust(albumId, 'fork')(e);
      }
    })();
    if (end.seq !== latest.seq || !constantTimeEqual(end.hash, latest.hash)) {
      throw new AlbumTrustError(albumId, 'fork', `the server's history of states ends at ${end.seq}, not at the latest state ${latest.seq} it shows`);
    }
    return end;
  }

  /** Throws unless `key` is the key the owner committed to for its epoch in `state`. */
  async checkKey(state: AlbumState, key: AlbumEpochKey): Promise<void> {
    if (this.checkedKeys.has(key)) return;
    await checkEpochKeyInState(state, key).catch(asTrust(state.albumId, 'key'));
    this.checkedKeys.add(key);
  }

  /** The state I verified last for this album in this process, if any. */
  current(albumId: string): AlbumState | undefined {
    return this.verified.get(albumId);
  }

  /** Records a state I signed myself (after the server stored it). */
  remember(state: AlbumState): void {
    this.verified.set(state.albumId, state);
    this.statePins.set(state.albumId, { seq: state.seq, hashB64: toBase64(state.hash), epoch: state.epoch, ownerId: state.ownerId });
  }

  forget(albumId: string): void {
    this.verified.delete(albumId);
    this.statePins.forget(albumId);
  }
}
