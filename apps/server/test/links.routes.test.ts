import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { routePath } from '@obscura/protocol';
import { addItems, album, blob, createAlbum, invitationOf, join, nextState, remainingIds, rotationFor, signedState, uploadToAlbum, userId } from './album-helpers.ts';
import { call, fakeFile, makeTestApp, signup, uploadFile, type TestApp } from './helpers.ts';
import { createLink, linkBody, proofPair, visit } from './link-helpers.ts';

const content = (linkId: string, q = '') => `${routePath('linkContent', { linkId })}${q}`;
const blockUrl = (linkId: string, fileId: string, index = 0) => routePath('linkBlock', { linkId, fileId, index });
const thumbUrl = (linkId: string, fileId: string, size = 'small') => routePath('linkThumbnail', { linkId, fileId, size });
const paramsUrl = (linkId: string) => routePath('linkParams', { linkId });

describe('public links', () => {
  let t: TestApp;
  before(async () => { t = await makeTestApp({ publicUrl: 'https://photos.example.org' }); });
  after(() => t.close());

  test('lifecycle of a photo link: password + expiry, params, content, wrong proof, expiry, extension, downloads off, re-key, delete', async () => {
    const alice = await signup(t.app, undefined, undefined, 'Alice');
    const f = await uploadFile(t.app, alice.token);
    const fileId = f.body.fileId;
    t.logger.lines.length = 0;
    const l = await createLink(t.app, alice.token, { kind: 'file', fileId }, { password: true, expiresAt: '2026-12-01T00:00:00.000Z' });
    assert.deepEqual(
      { ...l.info, createdAt: undefined },
      {
        linkId: l.linkId, target: { kind: 'file', fileId }, hasPassword: true, expiresAt: '2026-12-01T00:00:00.000Z', allowDownload: true,
        createdAt: undefined, accessCount: 0, ownerWrappedLinkKeyB64: l.body.ownerWrappedLinkKeyB64, ownerWrappedSecretB64: l.body.ownerWrappedSecretB64,
        missingEpochs: [],
      });
    assert.deepEqual((await call(t.app, 'listLinks', { token: alice.token })).json().links.map((x: { linkId: string }) => x.linkId), [l.linkId]);
    // The same id twice is refused.
    assert.equal((await call(t.app, 'createLink', { token: alice.token, body: l.body })).statusCode, 409);

    const params = await visit(t.app, paramsUrl(l.linkId), null);
    assert.equal(params.statusCode, 200, params.body);
    assert.deepEqual(params.json(), { kind: 'file', hasPassword: true, passwordParamsB64: l.body.passwordParamsB64, expiresAt: '2026-12-01T00:00:00.000Z', allowDownload: true });

    const c = await visit(t.app, content(l.linkId), l.proofB64Url);
    assert.equal(c.statusCode, 200, c.body);
    const file = c.json().file;
    assert.equal(c.json().kind, 'file');
    assert.deepEqual([file.fileId, file.wrappedKeyB64, file.manifestB64, file.blockCount, file.uploader.displayName], [fileId, l.body.fileKey!.wrappedB64, f.body.manifestB64, 2, 'Alice']);
    assert.deepEqual(file.blocks, f.body.blocks);
    const b0 = await visit(t.app, blockUrl(l.linkId, fileId, 1), l.proofB64Url);
    assert.equal(b0.statusCode, 200);
    assert.deepEqual(b0.rawPayload, f.blocks[1]);
    assert.deepEqual((await visit(t.app, thumbUrl(l.linkId, fileId, 'large'), l.proofB64Url)).rawPayload, f.thumbLarge);
    // Another file of Alice's is not reachable through the link.
    const other = await uploadFile(t.app, alice.token);
    assert.equal((await visit(t.app, blockUrl(l.linkId, other.body.fileId), l.proofB64Url)).statusCode, 404);

    // Wrong and missing proofs.
    for (const proof of [proofPair().proofB64Url, null, 'not-base64url!']) {
      const r = await visit(t.app, content(l.linkId), proof, '198.51.100.1');
      assert.equal(r.statusCode, 403, r.body);
      assert.deepEqual(r.json().error, { code: 'bad-link-proof', message: 'wrong link or password' });
    }
    assert.equal((await call(t.app, 'listLinks', { token: alice.token })).json().links[0].accessCount, 1);

    // The request log never holds the proof (nor the Authorization header).
    assert.ok(t.logger.lines.length > 5);
    assert.ok(t.logger.lines.every((line) => !line.includes(l.proofB64Url) && !line.toLowerCase().includes('authorization') && !line.includes('Link ')), t.logger.lines.join('\n'));
    assert.ok(t.logger.lines.some((line) => line.startsWith(`GET /api/links/${l.linkId}/content 200 `)));

    // Expired (the fake clock moves past the date), then revived by the owner.
    t.clock.advance(5 * 24 * 3600_000);
    for (const url of [content(l.linkId), paramsUrl(l.linkId)]) {
      const r = await visit(t.app, url, l.proofB64Url);
      assert.equal(r.statusCode, 410);
      assert.deepEqual(r.json().error, { code: 'link-expired', message: 'this link expired on 2026-12-01' });
    }
    const past = await call(t.app, 'updateLink', { token: alice.token, params: { linkId: l.linkId }, body: { expiresAt: '2026-11-30T00:00:00.000Z' } });
    assert.equal(past.statusCode, 400);
    const ext = await call(t.app, 'updateLink', { token: alice.token, params: { linkId: l.linkId }, body: { expiresAt: '2027-01-01T00:00:00.000Z', allowDownload: false } });
    assert.equal(ext.statusCode, 200, ext.body);
    assert.deepEqual([ext.json().expiresAt, ext.json().allowDownload], ['2027-01-01T00:00:00.000Z', false]);
    assert.equal((await visit(t.app, content(l.linkId), l.proofB64Url)).statusCode, 200);

    // Downloads off: previews only.
    const blocked = await visit(t.app, blockUrl(l.linkId, fileId), l.proofB64Url);
    assert.equal(blocked.statusCode, 403);
    assert.deepEqual(blocked.json().error, { code: 'forbidden', message: 'downloads are turned off for this link; previews only' });
    assert.equal((await visit(t.app, thumbUrl(l.linkId, fileId), l.proofB64Url)).statusCode, 200);

    // Password removed: a new link key, same URL; the old proof stops working.
    const next = proofPair();
    const rk = await call(t.app, 'updateLink', {
      token: alice.token, params: { linkId: l.linkId },
      body: { rekey: { accessVerifierB64: next.verifierB64, passwordParamsB64: null, ownerWrappedLinkKeyB64: blob(60), fileKey: { wrappedB64: blob(72) } } },
    });
    assert.equal(rk.statusCode, 200, rk.body);
    assert.equal(rk.json().hasPassword, false);
    assert.equal(rk.json().ownerWrappedSecretB64, l.body.ownerWrappedSecretB64, 'the URL secret stays');
    assert.equal((await visit(t.app, content(l.linkId), l.proofB64Url, '198.51.100.2')).statusCode, 403);
    const after = await visit(t.app, content(l.linkId), next.proofB64Url);
    assert.equal(after.statusCode, 200);
    assert.notEqual(after.json().file.wrappedKeyB64, l.body.fileKey!.wrappedB64);

    // Someone else cannot see, change or delete it.
    const mallory = await signup(t.app);
    assert.equal((await call(t.app, 'deleteLink', { token: mallory.token, params: { linkId: l.linkId } })).statusCode, 404);
    assert.deepEqual((await call(t.app, 'listLinks', { token: mallory.token })).json().links, []);

    // The page at /s/:id says what the link is, never needing the key.
    const page = await t.app.inject({ method: 'GET', url: `/s/${l.linkId}` });
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    assert.match(page.body, /Obscura/);
    assert.ok(page.body.includes(`obscura open 'https://photos.example.org/s/${l.linkId}#…'`), page.body);
    assert.match(page.body, /after <code>#<\/code>/);
    assert.doesNotMatch(page.body, /<script|https?:\/\/(?!photos\.example\.org)/);

    // Deleted: at once, and nothing of it remains.
    assert.deepEqual((await call(t.app, 'deleteLink', { token: alice.token, params: { linkId: l.linkId } })).json(), { ok: true });
    for (const url of [content(l.linkId), paramsUrl(l.linkId), thumbUrl(l.linkId, fileId)]) {
      const r = await visit(t.app, url, next.proofB64Url);
      assert.equal(r.statusCode, 404);
      assert.equal(r.json().error.message, 'this link no longer exists');
    }
    const k = t.db.kysely;
    assert.equal((await k.selectFrom('links').select('id').where('id', '=', l.linkId).execute()).length, 0);
    assert.equal((await k.selectFrom('link_keys').select('link_id').where('link_id', '=', l.linkId).execute()).length, 0);
    assert.equal((await k.selectFrom('link_throttle').select('key').where('key', '=', `link:${l.linkId}`).execute()).length, 0);
    const gone = await t.app.inject({ method: 'GET', url: `/s/${l.linkId}` });
    assert.equal(gone.statusCode, 404);
    assert.match(gone.body, /this link no longer exists/i);
  });

  test('a photo link ends when the photo leaves the library; only my own photos can be linked', async () => {
    const alice = await signup(t.app);
    const bob = await signup(t.app);
    const f = await uploadFile(t.app, alice.token);
    const l = await createLink(t.app, alice.token, { kind: 'file', fileId: f.body.fileId });
    // Bob cannot link Alice's photo.
    const r = await call(t.app, 'createLink', { token: bob.token, body: linkBody({ kind: 'file', fileId: f.body.fileId }).body });
    assert.equal(r.statusCode, 404);
    // A file link needs its file key.
    const noKey = linkBody({ kind: 'file', fileId: f.body.fileId });
    const { fileKey: _, ...withoutKey } = noKey.body;
    assert.equal((await call(t.app, 'createLink', { token: alice.token, body: withoutKey })).statusCode, 400);
    await call(t.app, 'libraryTrash', { token: alice.token, body: { fileIds: [f.body.fileId] } });
    assert.equal((await visit(t.app, content(l.linkId), l.proofB64Url)).statusCode, 404);
    await call(t.app, 'libraryRestore', { token: alice.token, body: { fileIds: [f.body.fileId] } });
    assert.equal((await visit(t.app, content(l.linkId), l.proofB64Url)).statusCode, 200);
    await call(t.app, 'libraryDelete', { token: alice.token, body: { fileIds: [f.body.fileId] } });
    assert.equal((await visit(t.app, content(l.linkId), l.proofB64Url)).statusCode, 404);
    assert.equal((await t.db.kysely.selectFrom('links').select('id').where('id', '=', l.linkId).execute()).length, 0, 'the file row went, the link with it');
  });

  test('an album link follows the album; rotations carry link keys; missingEpochs; addLinkKeys; unshare deletes links', async () => {
    const owner = await signup(t.app, undefined, undefined, 'Olga');
    const editor = await signup(t.app, undefined, undefined, 'Ed');
    const albumId = await createAlbum(t.app, owner);
    const p1 = (await uploadFile(t.app, owner.token)).body.fileId;
    await addItems(t.app, owner.token, albumId, [p1], 1);
    await join(t.app, owner, albumId, editor, 'editor');

    // Only the owner links an album.
    const denied = await call(t.app, 'createLink', { token: editor.token, body: linkBody({ kind: 'album', albumId }).body });
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.json().error.message, 'only the album owner can create public links');

    const a = await createLink(t.app, owner.token, { kind: 'album', albumId });
    const b = await createLink(t.app, owner.token, { kind: 'album', albumId }, { allowDownload: false });
    assert.equal((await album(t.app, owner.token, albumId)).linkCount, 2);
    const itemsOf = async (l: { linkId: string; proofB64Url: string }) => {
      const r = await visit(t.app, content(l.linkId), l.proofB64Url);
      assert.equal(r.statusCode, 200, r.body);
      return r.json();
    };
    let c = await itemsOf(a);
    assert.equal(c.kind, 'album');
    assert.equal(c.albumId, albumId);
    assert.deepEqual(c.items.map((i: { fileId: string }) => i.fileId), [p1]);
    assert.deepEqual(c.albumKeys.map((k: { epoch: number }) => k.epoch), [1]);
    assert.equal(c.items[0].addedBy.displayName, 'Olga');
    assert.equal('email' in c.items[0].addedBy, false, 'visitors see no email addresses');

    // Added later → appears; removed → disappears (and its blocks are out of reach).
    const p2 = (await uploadToAlbum(t.app, editor.token, albumId, 1)).body.fileId;
    c = await itemsOf(a);
    assert.deepEqual(c.items.map((i: { fileId: string }) => i.fileId), [p1, p2]);
    assert.equal(c.items[1].addedBy.displayName, 'Ed');
    assert.equal((await visit(t.app, blockUrl(a.linkId, p2), a.proofB64Url)).statusCode, 200);
    assert.equal((await visit(t.app, blockUrl(b.linkId, p2), b.proofB64Url)).statusCode, 403, 'downloads off on link b');
    assert.equal((await visit(t.app, thumbUrl(b.linkId, p2), b.proofB64Url)).statusCode, 200);
    await call(t.app, 'removeAlbumItems', { token: owner.token, params: { albumId }, body: { fileIds: [p1] } });
    c = await itemsOf(a);
    assert.deepEqual(c.items.map((i: { fileId: string }) => i.fileId), [p2]);
    assert.equal((await visit(t.app, thumbUrl(a.linkId, p1), a.proofB64Url)).statusCode, 404);
    // Paging.
    const p3 = (await uploadToAlbum(t.app, owner.token, albumId, 1)).body.fileId;
    const page1 = (await visit(t.app, content(a.linkId, '?limit=1'), a.proofB64Url)).json();
    assert.deepEqual([page1.items.map((i: { fileId: string }) => i.fileId), page1.hasMore], [[p2], true]);
    const page2 = (await visit(t.app, content(a.linkId, `?limit=1&since=${page1.nextSince}`), a.proofB64Url)).json();
    assert.deepEqual([page2.items.map((i: { fileId: string }) => i.fileId), page2.hasMore], [[p3], false]);

    // A rotation gives link a the new epoch key; link b is left out and shows it missing.
    const rot = { ...(await rotationFor(t.app, owner, albumId, await remainingIds(t.app, owner, albumId))), linkKeys: [{ linkId: a.linkId, wrappedB64: blob(60) }] };
    const rr = await call(t.app, 'rotateAlbum', { token: owner.token, params: { albumId }, body: { rotation: rot } });
    assert.equal(rr.statusCode, 200, rr.body);
    const infos = new Map((await call(t.app, 'listLinks', { token: owner.token })).json().links.map((l: { linkId: string; missingEpochs: number[] }) => [l.linkId, l.missingEpochs]));
    assert.deepEqual([infos.get(a.linkId), infos.get(b.linkId)], [[], [2]]);
    assert.deepEqual((await itemsOf(a)).albumKeys.map((k: { epoch: number }) => k.epoch), [1, 2]);
    const added = await call(t.app, 'addLinkKeys', { token: owner.token, params: { linkId: b.linkId }, body: { albumKeys: [{ epoch: 2, wrappedB64: blob(60) }] } });
    assert.equal(added.statusCode, 200, added.body);
    assert.deepEqual(added.json().missingEpochs, []);
    assert.equal((await call(t.app, 'addLinkKeys', { token: owner.token, params: { linkId: b.linkId }, body: { albumKeys: [{ epoch: 3, wrappedB64: blob(60) }] } })).statusCode, 400);
    // A rotation naming a link of another album is refused whole.
    const otherAlbum = await createAlbum(t.app, owner);
    const foreign = await createLink(t.app, owner.token, { kind: 'album', albumId: otherAlbum });
    const badRot = { ...(await rotationFor(t.app, owner, albumId, await remainingIds(t.app, owner, albumId))), linkKeys: [{ linkId: foreign.linkId, wrappedB64: blob(60) }] };
    const bad = await call(t.app, 'rotateAlbum', { token: owner.token, params: { albumId }, body: { rotation: badRot } });
    assert.equal(bad.statusCode, 400);
    assert.equal((await album(t.app, owner.token, albumId)).currentEpoch, 2, 'nothing was changed');
    // Album links need every epoch.
    const partial = linkBody({ kind: 'album', albumId }, { epochs: 1 });
    assert.equal((await call(t.app, 'createLink', { token: owner.token, body: partial.body })).statusCode, 409);

    // Photos added under the new epoch appear too.
    const p4 = (await uploadToAlbum(t.app, owner.token, albumId, 2)).body.fileId;
    const last = (await itemsOf(a)).items.at(-1);
    assert.deepEqual([last.fileId, last.epoch], [p4, 2]);

    // Stop sharing deletes every link of the album, at once.
    // (A client may send the new key for the links it is about to lose: it is not kept.)
    const unRot = { ...(await rotationFor(t.app, owner, albumId, [userId(owner)])), linkKeys: [{ linkId: a.linkId, wrappedB64: blob(60) }] };
    const un = await call(t.app, 'unshareAlbum', { token: owner.token, params: { albumId }, body: { rotation: unRot } });
    assert.equal(un.statusCode, 200, un.body);
    assert.equal(un.json().linkCount, 0);
    for (const l of [a, b]) assert.equal((await visit(t.app, content(l.linkId), l.proofB64Url)).statusCode, 404);
    assert.deepEqual((await call(t.app, 'listLinks', { token: owner.token })).json().links.map((l: { linkId: string }) => l.linkId), [foreign.linkId]);
    // Deleting an album deletes its links.
    await call(t.app, 'deleteAlbum', { token: owner.token, params: { albumId: otherAlbum } });
    assert.deepEqual((await call(t.app, 'listLinks', { token: owner.token })).json().links, []);
    assert.equal((await t.db.kysely.selectFrom('link_keys').select('link_id').where('link_id', 'in', [a.linkId, b.linkId, foreign.linkId]).execute()).length, 0);
  });

  test('lockout: a stranger who knows only the link id cannot lock its real visitors out', async () => {
    const owner = await signup(t.app);
    const f = await uploadFile(t.app, owner.token);
    const l = await createLink(t.app, owner.token, { kind: 'file', fileId: f.body.fileId }, { password: true });
    // A dozen wrong proofs: the guesser's address and the link itself are throttled now.
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) codes.push((await visit(t.app, content(l.linkId), proofPair().proofB64Url, '198.51.100.0')).statusCode);
    assert.deepEqual(codes, [...Array(10).fill(403), 429, 429]);
    // Every real visitor (right proof, an address that guessed nothing) still gets in, at once.
    for (const ip of ['203.0.113.10', '203.0.113.11', '2001:db8::5']) {
      assert.equal((await visit(t.app, content(l.linkId), l.proofB64Url, ip)).statusCode, 200, ip);
    }
    // The guesser stays blocked, even with the right proof.
    assert.equal((await visit(t.app, content(l.linkId), l.proofB64Url, '198.51.100.0')).statusCode, 429);
  });

  test('brute force: 1,000 wrong proofs from one address are throttled per link and per address; the back-off doubles; then the right proof works', async () => {
    const owner = await signup(t.app);
    const f = await uploadFile(t.app, owner.token);
    const l = await createLink(t.app, owner.token, { kind: 'file', fileId: f.body.fileId }, { password: true });
    const attacker = '192.0.2.66';
    const counts = { 403: 0, 429: 0 } as Record<number, number>;
    const retry = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const r = await visit(t.app, content(l.linkId), proofPair().proofB64Url, attacker);
      counts[r.statusCode] = (counts[r.statusCode] ?? 0) + 1;
      if (r.statusCode === 429) {
        assert.match(r.json().error.message, /^too many attempts, try again in \d+ s$/);
        assert.equal(r.json().error.code, 'rate-limited');
        retry.add(r.headers['retry-after'] as string);
      }
      if (i % 100 === 0) t.clock.advance(1000); // the attack takes about ten seconds
    }
    assert.deepEqual(counts, { 403: 10, 429: 990 });
    assert.ok([...retry].every((s) => Number(s) > 0 && Number(s) <= 60), [...retry].join(','));
    // While blocked, even the right proof is refused from the attacker's address. From another
    // address the right proof passes (no lockout of real visitors, see the next test), and a wrong
    // one meets the link's block.
    assert.equal((await visit(t.app, content(l.linkId), l.proofB64Url, attacker)).statusCode, 429);
    assert.equal((await visit(t.app, content(l.linkId), l.proofB64Url, '192.0.2.1')).statusCode, 200);
    assert.equal((await visit(t.app, content(l.linkId), proofPair().proofB64Url, '192.0.2.1')).statusCode, 429);
    // The params route (no proof) stays open: it reveals nothing a guesser could use.
    assert.equal((await visit(t.app, paramsUrl(l.linkId), null, attacker)).statusCode, 200);

    // After the back-off, the right proof from another address works.
    t.clock.advance(61_000);
    assert.equal((await visit(t.app, content(l.linkId), l.proofB64Url, '192.0.2.1')).statusCode, 200);
    // The next round of wrong proofs blocks for twice as long.
    const codes: number[] = [];
    for (let i = 0; i < 11; i++) codes.push((await visit(t.app, content(l.linkId), proofPair().proofB64Url, attacker)).statusCode);
    assert.deepEqual(codes, [...Array(10).fill(403), 429]);
    const again = await visit(t.app, content(l.linkId), proofPair().proofB64Url, attacker);
    assert.equal(again.headers['retry-after'], '120');

    // Per address: wrong proofs spread over many links still block the address (and only it).
    const scanner = '192.0.2.99';
    const targets = [];
    for (let i = 0; i < 11; i++) targets.push(await createLink(t.app, owner.token, { kind: 'file', fileId: f.body.fileId }));
    const spread = [];
    for (const x of targets) spread.push((await visit(t.app, content(x.linkId), proofPair().proofB64Url, scanner)).statusCode);
    assert.deepEqual(spread, [...Array(10).fill(403), 429]);
    assert.equal((await visit(t.app, content(targets[0]!.linkId), targets[0]!.proofB64Url, scanner)).statusCode, 429);
    assert.equal((await visit(t.app, content(targets[0]!.linkId), targets[0]!.proofB64Url, '192.0.2.100')).statusCode, 200);
  });
});

describe('a single photo shared with people (album of kind photo)', () => {
  let t: TestApp;
  before(async () => { t = await makeTestApp(); });
  after(() => t.close());

  test('holds exactly one photo; editors may not edit its caption (owner-signed), remove it or manage people; links go with the share', async () => {
    const owner = await signup(t.app);
    const editor = await signup(t.app);
    const stranger = await signup(t.app);
    const albumId = randomUUID();
    const c = await call(t.app, 'createAlbum', { token: owner.token, body: { albumId, kind: 'photo', metadataB64: blob(40), sealedKeyB64: blob(), state: signedState(1) } });
    assert.equal(c.statusCode, 200, c.body);
    assert.equal(c.json().kind, 'photo');
    const photo = await uploadToAlbum(t.app, owner.token, albumId, 1);
    // A second photo: refused, whether added or uploaded.
    const second = await uploadFile(t.app, owner.token);
    const add = await addItems(t.app, owner.token, albumId, [second.body.fileId], 1);
    assert.equal(add.statusCode, 409);
    assert.deepEqual(add.json().error, { code: 'conflict', message: 'a shared photo holds exactly one photo' });
    const up = await call(t.app, 'createFile', { token: owner.token, body: { ...fakeFile([10]).body, album: { albumId, epoch: 1 } } });
    assert.equal(up.statusCode, 409);
    assert.equal(up.json().error.message, 'a shared photo holds exactly one photo');
    assert.equal((await addItems(t.app, owner.token, albumId, [photo.body.fileId], 1)).json().added, 0, 'the same photo again is a no-op');

    // Sharing with people works as for albums; the invitee tells the kinds apart.
    await (await import('./album-helpers.ts')).invite(t.app, owner, albumId, [editor], 'editor');
    const invs = (await call(t.app, 'listInvitations', { token: editor.token })).json().invitations;
    assert.equal(invs[0].albumKind, 'photo');
    await call(t.app, 'acceptInvitation', { token: editor.token, params: { invitationId: await invitationOf(t.app, editor, albumId) } });
    const listed = (await call(t.app, 'listAlbums', { token: editor.token })).json().albums;
    assert.deepEqual(listed.map((a: { kind: string; myRole: string }) => [a.kind, a.myRole]), [['photo', 'editor']]);

    const meta = blob(40);
    const edit = await call(t.app, 'updateAlbumMetadata', { token: editor.token, params: { albumId }, body: { epoch: 1, metadataB64: meta, state: await nextState(t.app, owner.token, albumId) } });
    assert.equal(edit.statusCode, 403);
    assert.equal(edit.json().error.message, 'editors cannot edit the caption of this photo; only its owner can');
    assert.notEqual((await album(t.app, owner.token, albumId)).metadataB64, meta);
    const rm = await call(t.app, 'removeAlbumItems', { token: editor.token, params: { albumId }, body: { fileIds: [photo.body.fileId] } });
    assert.equal(rm.statusCode, 403);
    assert.match(rm.json().error.message, /editors cannot remove the shared photo/);
    const share = await call(t.app, 'shareAlbum', { token: editor.token, params: { albumId }, body: { invites: [{ userId: userId(stranger), role: 'viewer', sealedKeys: [{ epoch: 1, sealedB64: blob() }] }], state: await nextState(t.app, owner.token, albumId) } });
    assert.equal(share.statusCode, 403);
    assert.equal((await call(t.app, 'createLink', { token: editor.token, body: linkBody({ kind: 'file', fileId: photo.body.fileId }).body })).statusCode, 404);

    // In an ordinary album editors still cannot rename.
    const plain = await createAlbum(t.app, owner);
    await join(t.app, owner, plain, editor, 'editor');
    const rename = await call(t.app, 'updateAlbumMetadata', { token: editor.token, params: { albumId: plain }, body: { epoch: 1, metadataB64: blob(40), state: await nextState(t.app, owner.token, plain) } });
    assert.equal(rename.statusCode, 403);
    assert.equal(rename.json().error.message, 'editors cannot rename the album or change its cover');

    // The owner links the shared photo (it is not in their library: it was uploaded into the share).
    const l = await createLink(t.app, owner.token, { kind: 'file', fileId: photo.body.fileId });
    assert.deepEqual(l.info.target, { kind: 'file', fileId: photo.body.fileId, albumId });
    assert.equal((await album(t.app, owner.token, albumId)).linkCount, 1);
    assert.equal((await visit(t.app, content(l.linkId), l.proofB64Url)).statusCode, 200);
    // Stop sharing the photo: the people and the link go.
    const un = await call(t.app, 'unshareAlbum', { token: owner.token, params: { albumId }, body: { rotation: await rotationFor(t.app, owner, albumId, [userId(owner)]) } });
    assert.equal(un.statusCode, 200, un.body);
    assert.equal((await visit(t.app, content(l.linkId), l.proofB64Url)).statusCode, 404);
    assert.equal((await call(t.app, 'getAlbum', { token: editor.token, params: { albumId } })).statusCode, 404);
  });
});
