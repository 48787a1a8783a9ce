// Unit tests of the access module's rules with faked repositories ([Note: one access module]):
// who may do what, what is hidden (404) and what is refused with a sentence (403), and that a
// set of ids costs one query per permission, however many ids.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../src/errors.ts';
import { Access, type AccessRepos } from '../src/services/access.ts';
import type { AlbumReadGrant, AlbumRow, ExternalInvitationWithAlbum, FileRow, LibraryItemRow, LinkRow, MemberRow, Role } from '../src/repositories/index.ts';

const file = (id: string, uploaderId = 'alice'): FileRow => ({
  id, uploaderId, quotaOwnerId: uploaderId, status: 'complete', blockCount: 1, encryptedSize: 1, chargedBytes: 1,
  manifest: new Uint8Array(), signature: new Uint8Array(), metadata: new Uint8Array(), thumbSmallSize: 1, thumbLargeSize: 1, createdAt: 0, completedAt: 0,
});
const album = (id: string, ownerId: string, kind: 'album' | 'photo' = 'album'): AlbumRow => ({
  id, kind, ownerId, currentEpoch: 1, metadata: new Uint8Array(), metadataEpoch: 1, rotationNeeded: false, itemSeq: 0, stateSeq: 1, createdAt: 0, updatedAt: 0,
});
const member = (albumId: string, userId: string, role: Role, status: MemberRow['status'] = 'active'): MemberRow => ({
  id: `m-${albumId}-${userId}`, albumId, userId, role, status, invitedBy: null, invitedAt: 0, respondedAt: null, messageSealed: null,
});
const libItem = (userId: string, fileId: string, state: LibraryItemRow['state']): LibraryItemRow => ({
  userId, fileId, wrappedKey: state === 'deleted' ? null : new Uint8Array([7]), contentHash: null, state, changeSeq: 1, createdAt: 0, updatedAt: 0, chargedBytes: 0,
} as LibraryItemRow);

/** A tiny world: Alice owns album A (Bob editor, Vic viewer, Pat pending) holding f2; f1 is in Alice's library. */
function world() {
  const calls: string[] = [];
  const files = [file('f1'), file('f2', 'bob'), file('f3', 'carol')];
  const albums = [album('a', 'alice'), album('p', 'alice', 'photo')];
  const members = [member('a', 'alice', 'owner'), member('a', 'bob', 'editor'), member('a', 'vic', 'viewer'), member('a', 'pat', 'viewer', 'pending'),
    member('a', 'rex', 'viewer', 'removed'), member('p', 'alice', 'owner'), member('p', 'bob', 'editor')];
  const library = [libItem('alice', 'f1', 'active'), libItem('alice', 'f3', 'trashed'), libItem('carol', 'f3', 'active')];
  const items: Record<string, string[]> = { a: ['f2'] };
  const links: LinkRow[] = [{ id: 'l1', ownerId: 'alice', kind: 'album', fileId: null, albumId: 'a' } as LinkRow];
  // x1: Alice invited an email without an account to her album; x2: Bob's invitation to album A, made
  // while he owned it (the access module must still check that the sender owns the album).
  const externals = [
    { id: 'x1', albumId: 'a', invitedBy: 'alice', albumOwnerId: 'alice', email: 'new@example.org', status: 'pending' },
    { id: 'x2', albumId: 'a', invitedBy: 'bob', albumOwnerId: 'alice', email: 'other@example.org', status: 'pending' },
  ] as ExternalInvitationWithAlbum[];
  const repos: AccessRepos = {
    files: { findMany: async (ids) => { calls.push('files.findMany'); return files.filter((f) => ids.includes(f.id)); } },
    library: { findMany: async (userId, ids) => { calls.push('library.findMany'); return library.filter((i) => i.userId === userId && ids.includes(i.fileId)); } },
    albums: {
      membershipsOf: async (userId, ids) => {
        calls.push('albums.membershipsOf');
        return albums.filter((a) => ids.includes(a.id)).map((a) => ({ album: a, member: members.find((m) => m.albumId === a.id && m.userId === userId && ['active', 'pending'].includes(m.status)) }));
      },
      membersById: async (ids) => { calls.push('albums.membersById'); return members.filter((m) => ids.includes(m.id)); },
      readGrantsMany: async (userId, ids) => {
        calls.push('albums.readGrantsMany');
        const out = new Map<string, AlbumReadGrant[]>();
        for (const [albumId, fs] of Object.entries(items)) {
          if (!members.some((m) => m.albumId === albumId && m.userId === userId && m.status === 'active')) continue;
          for (const f of fs) if (ids.includes(f)) out.set(f, [...(out.get(f) ?? []), { albumId, epoch: 1, wrappedKey: new Uint8Array([9]) }]);
        }
        return out;
      },
      filesInAlbumsOwnedBy: async (ownerId, ids) => {
        calls.push('albums.filesInAlbumsOwnedBy');
        return new Set(Object.entries(items).filter(([a]) => albums.find((x) => x.id === a)?.ownerId === ownerId).flatMap(([, fs]) => fs).filter((f) => ids.includes(f)));
      },
    },
    links: { findMany: async (ids) => { calls.push('links.findMany'); return links.filter((l) => ids.includes(l.id)); } },
    externalInvitations: { findMany: async (ids) => { calls.push('externalInvitations.findMany'); return externals.filter((x) => ids.includes(x.id)); } },
  };
  return { repos, calls };
}

const as = (userId: string) => ({ auth: { userId, sessionId: 's' } });
const access = new Access();
const code = async (p: Promise<unknown>) => p.then(() => 200, (e: AppError) => `${e.status} ${e.message}`);

describe('access module', () => {
  test('albums: active members read; roles decide actions with a sentence; everyone else is told it does not exist', async () => {
    const { repos } = world();
    const run = (u: string, p: Parameters<Access['one']>[1]['permission']) => code(access.one(repos, { actor: as(u), permission: p, id: 'a' }));
    assert.equal(await run('alice', 'album.read'), 200);
    assert.equal(await run('vic', 'album.read'), 200);
    for (const u of ['pat', 'rex', 'stranger']) assert.equal(await run(u, 'album.read'), '404 album a… not found');
    assert.equal(await run('bob', 'album.addPhotos'), 200);
    assert.equal(await run('vic', 'album.addPhotos'), '403 viewers cannot add photos to this album; ask its owner for editor access');
    assert.equal(await run('bob', 'album.update'), '403 editors cannot rename the album or change its cover');
    assert.equal(await run('bob', 'album.share'), '403 only the album owner can share it; editors cannot invite people');
    assert.equal(await run('vic', 'album.rotate'), "403 viewers cannot change the album key; the owner's app renews it after someone leaves");
    assert.equal(await run('alice', 'album.delete'), 200);
    // a pending invitee may read the signed states (to verify before accepting) and leave (decline)
    assert.equal(await run('pat', 'album.states'), 200);
    assert.equal(await run('pat', 'album.leave'), 200);
    assert.equal(await run('rex', 'album.states'), '404 album a… not found');
    // a shared photo's caption: only its owner
    assert.equal(await code(access.one(repos, { actor: as('bob'), permission: 'album.update', id: 'p' })), '403 editors cannot edit the caption of this photo; only its owner can');
  });

  test('files: read through the library (active or trashed) or an active membership; uploads only by the uploader', async () => {
    const { repos } = world();
    const read = (u: string, id: string, albumId?: string) => access.one(repos, { actor: as(u), permission: 'file.read', id, ...(albumId ? { albumId } : {}) });
    assert.deepEqual((({ via, albumId }) => [via, albumId])(await read('alice', 'f1')), ['library', null]);
    assert.equal((await read('alice', 'f3')).via, 'library', 'trashed items stay readable');
    assert.deepEqual((({ via, albumId }) => [via, albumId])(await read('vic', 'f2')), ['album', 'a']);
    assert.equal(await code(read('pat', 'f2')), '404 file f2… not found', 'pending invitees read nothing');
    assert.equal(await code(read('rex', 'f2')), '404 file f2… not found', 'removed members read nothing');
    assert.equal(await code(read('vic', 'f2', 'other')), '404 file f2… not found');
    assert.equal(await code(access.one(repos, { actor: as('alice'), permission: 'file.upload', id: 'f2' })), '404 file f2… not found');
    assert.equal((await access.one(repos, { actor: as('bob'), permission: 'file.upload', id: 'f2' })).id, 'f2');
    assert.equal((await access.one(repos, { actor: as('vic'), permission: 'file.uploadStatus', id: 'f2' })).id, 'f2');
  });

  test("sharing onward: the photo's owner or the album's owner; a viewer or editor of someone else's album is refused (403), a stranger told nothing (404)", async () => {
    const { repos } = world();
    const share = (u: string, id: string) => code(access.one(repos, { actor: as(u), permission: 'file.share', id }));
    assert.equal(await share('alice', 'f1'), 200, 'in my library');
    assert.equal(await share('alice', 'f2'), 200, 'in an album I own');
    assert.equal(await share('bob', 'f2'), 200, 'I uploaded it');
    assert.match(String(await share('vic', 'f2')), /^403 photo f2…: only a photo's owner, or the owner of an album holding it, can share it onward/);
    assert.equal(await share('stranger', 'f2'), '404 file f2… not found');
    assert.match(String(await share('alice', 'f3')), /^403 /, 'a trashed copy of someone else\'s photo is readable, not shareable');
  });

  test('invitations and links: only their own person sees them', async () => {
    const { repos } = world();
    assert.equal((await access.one(repos, { actor: as('pat'), permission: 'invitation.respond', id: 'm-a-pat' })).role, 'viewer');
    assert.equal(await code(access.one(repos, { actor: as('bob'), permission: 'invitation.respond', id: 'm-a-pat' })), '404 invitation m-a-pat… not found');
    assert.equal(await code(access.one(repos, { actor: as('alice'), permission: 'invitation.respond', id: 'm-a-alice' })), '404 invitation m-a-alic… not found', 'the owner row is no invitation');
    assert.equal((await access.one(repos, { actor: as('alice'), permission: 'link.manage', id: 'l1' })).id, 'l1');
    assert.equal(await code(access.one(repos, { actor: as('bob'), permission: 'link.manage', id: 'l1' })), '404 public link l1… not found among your links');
  });

  test('invitations to emails without an account: only the sender, while they own the album; anyone else is told nothing', async () => {
    const { repos } = world();
    const manage = (u: string, id: string) => access.one(repos, { actor: as(u), permission: 'externalInvitation.manage', id });
    assert.equal((await manage('alice', 'x1')).email, 'new@example.org');
    for (const u of ['bob', 'vic', 'pat', 'stranger']) assert.equal(await code(manage(u, 'x1')), '404 invitation x1… not found among the invitations you sent', u);
    assert.equal(await code(manage('bob', 'x2')), '404 invitation x2… not found among the invitations you sent', 'sent by Bob, but the album is not his');
    assert.equal(await code(manage('alice', 'x2')), '404 invitation x2… not found among the invitations you sent', 'the album is hers, but she did not send it');
  });

  test('a set of ids costs one query per permission; one id the caller may not see refuses the whole set', async () => {
    const { repos, calls } = world();
    const ids = ['f1', 'f2', ...Array.from({ length: 998 }, (_, i) => `missing-${i}`)];
    await assert.rejects(access.require(repos, { actor: as('alice'), permission: 'file.read', ids }), (e: AppError) => e.status === 404 && /and 993 more not found$/.test(e.message));
    assert.deepEqual(calls, ['files.findMany', 'library.findMany', 'albums.readGrantsMany']);
    calls.length = 0;
    const ok = await access.require(repos, { actor: as('alice'), permission: 'file.read', ids: ['f1', 'F2'] });
    assert.deepEqual([...ok.keys()], ['f1', 'f2']);
    assert.deepEqual(calls, ['files.findMany', 'library.findMany', 'albums.readGrantsMany']);
  });
});
