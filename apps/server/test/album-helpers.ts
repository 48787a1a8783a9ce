import { randomBytes, randomUUID } from 'node:crypto';
import type { ObscuraApp } from '../src/app.ts';
import { call, fakeFile, putBlock, type Account, type FakeFile } from './helpers.ts';

/** Random bytes standing in for a sealed key / ciphertext (the server never opens them). */
export const blob = (n = 80) => randomBytes(n).toString('base64');

export const userId = (a: Account) => a.session.user.id;

async function ok(r: { statusCode: number; body: string }, what: string) {
  if (r.statusCode !== 200) throw new Error(`${what} ${r.statusCode}: ${r.body}`);
  return JSON.parse(r.body);
}

/** Stands in for the owner's signed album state number `seq` (the server neither reads nor checks it). */
export const signedState = (seq: number) => ({ seq, stateB64: blob(120), signatureB64: blob(64) });

export async function createAlbum(app: ObscuraApp, owner: Account, albumId: string = randomUUID()): Promise<string> {
  await ok(await call(app, 'createAlbum', { token: owner.token, body: { albumId, metadataB64: blob(40), sealedKeyB64: blob(), state: signedState(1) } }), 'createAlbum');
  return albumId;
}

export async function album(app: ObscuraApp, token: string, albumId: string) {
  return ok(await call(app, 'getAlbum', { token, params: { albumId } }), 'getAlbum');
}

/** The state that follows the album's latest (as its owner would sign it next). */
export async function nextState(app: ObscuraApp, token: string, albumId: string) {
  const a = await album(app, token, albumId);
  return signedState((a.state?.seq ?? 0) + 1);
}

/** Every epoch 1..current sealed (as the client would) for an invitee. */
export const allEpochs = (current: number) => Array.from({ length: current }, (_, i) => ({ epoch: i + 1, sealedB64: blob() }));

export async function invite(app: ObscuraApp, owner: Account, albumId: string, who: Account[], role: 'viewer' | 'editor' = 'viewer', extra: object = {}) {
  const { currentEpoch, state } = await album(app, owner.token, albumId);
  return call(app, 'shareAlbum', {
    token: owner.token, params: { albumId },
    body: { invites: who.map((a) => ({ userId: userId(a), role, sealedKeys: allEpochs(currentEpoch), ...extra })), state: signedState(state.seq + 1) },
  });
}

/** Pending invitation id of `who` for the album. */
export async function invitationOf(app: ObscuraApp, who: Account, albumId: string): Promise<string> {
  const { invitations } = await ok(await call(app, 'listInvitations', { token: who.token }), 'listInvitations');
  const inv = invitations.find((i: { albumId: string }) => i.albumId === albumId);
  if (!inv) throw new Error(`no pending invitation for ${who.email} to ${albumId}`);
  return inv.invitationId;
}

export async function join(app: ObscuraApp, owner: Account, albumId: string, who: Account, role: 'viewer' | 'editor' = 'viewer') {
  await ok(await invite(app, owner, albumId, [who], role), 'shareAlbum');
  await ok(await call(app, 'acceptInvitation', { token: who.token, params: { invitationId: await invitationOf(app, who, albumId) } }), 'acceptInvitation');
}

/** A rotation sealed to exactly `remaining` (ids), for the album's next epoch. */
export async function rotationFor(app: ObscuraApp, owner: Account, albumId: string, remaining: string[], epochDelta = 1) {
  const { currentEpoch, state } = await album(app, owner.token, albumId);
  return { epoch: currentEpoch + epochDelta, metadataB64: blob(40), sealedKeys: remaining.map((id) => ({ userId: id, sealedB64: blob() })), state: signedState(state.seq + 1) };
}

/** Ids of the owner + pending + active members (who a rotation must be sealed to). */
export async function remainingIds(app: ObscuraApp, owner: Account, albumId: string, except: string[] = []): Promise<string[]> {
  const { members } = await ok(await call(app, 'listMembers', { token: owner.token, params: { albumId } }), 'listMembers');
  return members.filter((m: { status: string }) => m.status === 'pending' || m.status === 'active')
    .map((m: { user: { id: string } }) => m.user.id).filter((id: string) => !except.includes(id));
}

/** create (into the album) → blocks → complete. */
export async function uploadToAlbum(app: ObscuraApp, token: string, albumId: string, epoch: number, f: FakeFile = fakeFile()): Promise<FakeFile> {
  await ok(await call(app, 'createFile', { token, body: { ...f.body, album: { albumId, epoch } } }), 'createFile(album)');
  for (const [i, b] of f.blocks.entries()) await ok(await putBlock(app, token, f.body.fileId, i, b), 'putBlock');
  await ok(await call(app, 'completeFile', { token, params: { fileId: f.body.fileId } }), 'completeFile');
  return f;
}

export async function addItems(app: ObscuraApp, token: string, albumId: string, fileIds: string[], epoch: number) {
  return call(app, 'addAlbumItems', { token, params: { albumId }, body: { epoch, items: fileIds.map((fileId) => ({ fileId, wrappedKeyB64: blob(72) })) } });
}
