// Owner-signed album states: signature, canonical form, and the chain rules a client applies
// before it believes anything the server says about an album. Property tests build random
// honest chains, then reorder, drop, fork, replay or re-sign statements: each is refused.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { primitives } from '#primitives';
import {
  albumEpochCommitment, albumMetadataHash, checkAlbumStateChain, checkAlbumStateSuccessor, checkEpochKeyInState, checkMetadataInState,
  encodeAlbumState, signAlbumState, verifyAlbumState, type AlbumState, type AlbumStateInput, type RosterEntry,
} from '../src/album-state.ts';
import { newAlbumKey, rotateAlbumKey } from '../src/album.ts';
import { CryptoError } from '../src/errors.ts';
import { newSigningKeyPair, type SigningKeyPair } from '../src/keys.ts';
import { rejectsWith } from './helpers.ts';

const albumId = 'a1b2c3d4-0000-4000-8000-000000000001';
const ownerId = 'u-owner';

function member(i: number, role: RosterEntry['role'] = 'viewer'): RosterEntry {
  return { userId: `u-${String(i).padStart(3, '0')}`, email: `m${i}@example.org`, role, ed25519PublicKey: primitives.randomBytes(32), x25519PublicKey: primitives.randomBytes(32) };
}

async function genesis(owner: SigningKeyPair, extra: Partial<AlbumStateInput> = {}) {
  const key = newAlbumKey(albumId, 1);
  const input: AlbumStateInput = {
    albumId, ownerId, ownerSigningKey: owner.publicKey, kind: 'album', origin: 'created', createdAt: 1_700_000_000_000, seq: 1,
    epoch: 1, epochCommitments: [await albumEpochCommitment(key)], metadataHash: primitives.randomBytes(32), members: [], ...extra,
  };
  return { key, input, ...(await signAlbumState(owner, input)) };
}

const verify = (s: { state: Uint8Array; signature: Uint8Array }, owner: SigningKeyPair) =>
  verifyAlbumState(s.state, s.signature, owner.publicKey, { albumId, ownerId });

/** The state after `prev`, as the owner's client makes it. */
async function next(owner: SigningKeyPair, prev: AlbumState, change: Partial<AlbumStateInput> = {}) {
  const input: AlbumStateInput = { ...prev, seq: prev.seq + 1, prevHash: prev.hash, ...change };
  const signed = await signAlbumState(owner, input);
  return { ...signed, verified: await verify(signed, owner) };
}

type Step = { kind: 'add' } | { kind: 'remove' } | { kind: 'rotate' } | { kind: 'rename' } | { kind: 'role' };

/** An honest chain of `steps.length + 1` states. */
async function chain(owner: SigningKeyPair, steps: readonly Step[]): Promise<AlbumState[]> {
  const g = await genesis(owner);
  const out = [await verify(g, owner)];
  let key = g.key;
  let n = 0;
  for (const step of steps) {
    const prev = out.at(-1)!;
    let change: Partial<AlbumStateInput> = {};
    if (step.kind === 'add') change = { members: [...prev.members, member(n++)] };
    if (step.kind === 'remove') change = { members: prev.members.slice(1) };
    if (step.kind === 'rename') change = { metadataHash: primitives.randomBytes(32) };
    if (step.kind === 'role') change = { members: prev.members.map((m, i) => (i === 0 ? { ...m, role: m.role === 'viewer' ? 'editor' : 'viewer' } : m)) };
    if (step.kind === 'rotate') {
      key = rotateAlbumKey(key);
      change = { epoch: key.epoch, epochCommitments: [...prev.epochCommitments, await albumEpochCommitment(key)] };
    }
    out.push((await next(owner, prev, change)).verified);
  }
  return out;
}

const stepArb = fc.constantFrom<Step>({ kind: 'add' }, { kind: 'remove' }, { kind: 'rotate' }, { kind: 'rename' }, { kind: 'role' });

describe('album state', () => {
  test('signed by the owner, verified under the owner key; round-trips every field', async () => {
    const owner = await newSigningKeyPair();
    const g = await genesis(owner, { members: [member(2, 'editor'), member(1)] });
    const v = await verify(g, owner);
    assert.deepEqual([v.seq, v.epoch, v.kind, v.origin, v.members.map((m) => [m.userId, m.role])], [1, 1, 'album', 'created', [['u-001', 'viewer'], ['u-002', 'editor']]]);
    assert.equal(v.prevHash, undefined);
    assert.equal(v.hash.length, 32);
  });

  test('another key, another album, or a flipped bit is refused', async () => {
    const owner = await newSigningKeyPair();
    const mallory = await newSigningKeyPair();
    const g = await genesis(owner);
    // The server (Mallory) cannot sign for the owner ...
    await rejectsWith(verifyAlbumState(g.state, g.signature, mallory.publicKey, { albumId, ownerId }), 'bad-signature');
    // ... nor make the owner's client sign a state naming another owner key.
    await rejectsWith(signAlbumState(owner, { ...g.input, ownerSigningKey: mallory.publicKey }), 'wrong-context');
    const forged = await signAlbumState(mallory, { ...g.input, ownerSigningKey: mallory.publicKey });
    await rejectsWith(verifyAlbumState(forged.state, forged.signature, owner.publicKey, { albumId, ownerId }), 'bad-signature');
    await rejectsWith(verifyAlbumState(g.state, g.signature, owner.publicKey, { albumId: 'other', ownerId }), 'wrong-context');
    await rejectsWith(verifyAlbumState(g.state, g.signature, owner.publicKey, { albumId, ownerId: 'u-mallory' }), 'wrong-context');
    for (const i of [0, 5, g.state.length - 1]) {
      const bad = Uint8Array.from(g.state);
      bad[i]! ^= 1;
      await assert.rejects(verifyAlbumState(bad, g.signature, owner.publicKey, { albumId, ownerId }), CryptoError);
    }
  });

  test('canonical form only: unsorted or repeated members and the owner as a member are refused', async () => {
    const owner = await newSigningKeyPair();
    const g = await genesis(owner);
    const m = member(1);
    assert.throws(() => encodeAlbumState({ ...g.input, members: [m, m] }), /listed twice/);
    assert.throws(() => encodeAlbumState({ ...g.input, members: [{ ...m, userId: ownerId }] }), /owner is not a roster member/);
    assert.throws(() => encodeAlbumState({ ...g.input, epochCommitments: [] }), /0 epoch commitments for epoch 1/);
    assert.throws(() => encodeAlbumState({ ...g.input, seq: 2 }), /only state 1 has no predecessor/);
  });

  test('epoch keys and metadata must be the ones the owner committed to', async () => {
    const owner = await newSigningKeyPair();
    const g = await genesis(owner, { metadataHash: await albumMetadataHash(Uint8Array.of(1, 2, 3)) });
    const v = await verify(g, owner);
    await checkEpochKeyInState(v, g.key);
    // A key the server planted (sealed by anyone) for the current or a future epoch is refused.
    await rejectsWith(checkEpochKeyInState(v, newAlbumKey(albumId, 1)), 'wrong-context', 'not the key the album\'s owner committed to');
    await rejectsWith(checkEpochKeyInState(v, rotateAlbumKey(g.key)), 'wrong-context', 'epochs 1..1 only');
    await checkMetadataInState(v, Uint8Array.of(1, 2, 3));
    await rejectsWith(checkMetadataInState(v, Uint8Array.of(1, 2, 4)), 'manifest-mismatch');
  });

  test('property: an honest chain verifies from any state to the last', async () => {
    const owner = await newSigningKeyPair();
    await fc.assert(fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 8 }), fc.nat(), async (steps, at) => {
      const states = await chain(owner, steps);
      const from = at % states.length;
      assert.equal(checkAlbumStateChain(states[from]!, states.slice(from + 1)).seq, states.length);
    }), { numRuns: 25 });
  });

  test('property: dropped, reordered, replayed, forked or re-signed states are refused', async () => {
    const owner = await newSigningKeyPair();
    const mallory = await newSigningKeyPair();
    await fc.assert(fc.asyncProperty(fc.array(stepArb, { minLength: 3, maxLength: 8 }), fc.nat(), fc.nat(), async (steps, a, b) => {
      const states = await chain(owner, steps);
      const i = 1 + (a % (states.length - 2));
      const codeOf = (f: () => unknown) => {
        try {
          f();
        } catch (e) {
          assert.ok(e instanceof CryptoError, String(e));
          return e.code;
        }
        return 'accepted';
      };
      // dropped: state i is missing
      assert.equal(codeOf(() => checkAlbumStateChain(states[i - 1]!, states.slice(i + 1))), 'chain-broken');
      // reordered: i+1 before i
      assert.notEqual(codeOf(() => checkAlbumStateChain(states[i - 1]!, [states[i + 1]!, states[i]!])), 'accepted');
      // replayed: an older state after a newer one (a rollback)
      const j = b % i;
      assert.equal(codeOf(() => checkAlbumStateSuccessor(states[i]!, states[j]!)), 'stale-state');
      assert.equal(codeOf(() => checkAlbumStateSuccessor(states[i]!, states[i]!)), 'stale-state');
      // forked: another state with the same number, honestly signed by the owner's key, but on another history
      const fork = (await next(owner, states[i - 1]!, { metadataHash: primitives.randomBytes(32) })).verified;
      assert.equal(codeOf(() => checkAlbumStateSuccessor(fork, states[i + 1]!)), 'chain-broken');
      // rewritten epoch history in an owner-signed state
      const rewritten = (await next(owner, states[i]!, { epochCommitments: states[i]!.epochCommitments.map(() => primitives.randomBytes(32)) })).verified;
      assert.equal(codeOf(() => checkAlbumStateSuccessor(states[i]!, rewritten)), 'chain-broken');
      // re-signed by someone else (the server): does not verify under the owner's key
      const input = { ...states[i]!, seq: states[i]!.seq + 1, prevHash: states[i]!.hash, ownerSigningKey: mallory.publicKey };
      const resigned = await signAlbumState(mallory, input);
      await rejectsWith(verifyAlbumState(resigned.state, resigned.signature, owner.publicKey, { albumId, ownerId }), 'bad-signature');
    }), { numRuns: 20 });
  });

  test('an epoch jumps by one at most, and the genesis fields never change', async () => {
    const owner = await newSigningKeyPair();
    const [g] = await chain(owner, []);
    const k2 = rotateAlbumKey(rotateAlbumKey(newAlbumKey(albumId, 1)));
    const jump = (await next(owner, g!, { epoch: 3, epochCommitments: [...g!.epochCommitments, primitives.randomBytes(32), await albumEpochCommitment(k2)] })).verified;
    assert.throws(() => checkAlbumStateSuccessor(g!, jump), /moves the key from epoch 1 to 3/);
    const kind = (await next(owner, g!, { kind: 'photo' })).verified;
    assert.throws(() => checkAlbumStateSuccessor(g!, kind), /changes the album's owner, kind or creation/);
  });
});
