// [Note: authorization matrix] one row per route of the protocol table × every kind
// of actor, all against one scenario: an album with a member of each kind, a photo
// the owner added from their library (P1) and one the editor uploaded into it (P2).
// Public links add two actors without an account: a visitor holding the link's access
// proof, and one with no or a wrong proof; rows with an expired and a deleted link too.
// Adding a route without a row here fails the first test.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DIALECTS } from './dialects.ts';
import * as opaque from '@serenity-kit/opaque';
import { routes, type RouteName } from '@obscura/protocol';
import {
  addItems, album, allEpochs, blob, createAlbum, invitationOf, invite, join, rotationFor, signedState, uploadToAlbum, userId,
} from './album-helpers.ts';
import { createLink, linkBody, linkHeader, proofPair } from './link-helpers.ts';
import { call, fakeFile, login, makeTestApp, MemoryMailer, putBlock, signup, signupRequest, startPasswordChange, uploadFile, type Account, type TestApp } from './helpers.ts';

const ACTORS = ['owner', 'editor', 'viewer', 'pending', 'declined', 'removed', 'left', 'stranger', 'anonymous', 'visitor', 'wrongProof'] as const;
type Actor = (typeof ACTORS)[number];
type Member = Exclude<Actor, 'anonymous' | 'visitor' | 'wrongProof'>;
const NO_ACCOUNT: Actor[] = ['anonymous', 'visitor', 'wrongProof'];
const isMember = (a: Actor): a is Member => !NO_ACCOUNT.includes(a);
const LABEL: Partial<Record<Actor, string>> = { visitor: 'link visitor (right proof)', wrongProof: 'link visitor (no/wrong proof)' };

interface Scenario {
  albumId: string; p1: string; p2: string; epoch: number; stateSeq: number; pendingInvitation: string; ownerExtraSession: string;
  /** A live album link (downloads on), a link that expired, one that was deleted; and the proof of each. */
  link: string; expiredLink: string; deletedLink: string; proof: string;
  /** The owner's pending invitation of an email without an account to the album. */
  external: string;
}
interface Req { token?: string; params?: Record<string, string | number>; body?: unknown; query?: string; payload?: Buffer; headers?: Record<string, string> }
interface Row {
  route: RouteName;
  variant?: string;
  req: (fx: Scenario, actor: Actor) => Promise<Req> | Req;
  expect: Record<Actor, number>;
}

/** Expected statuses: the listed actors, 404 for the other accounts (an album or file they cannot see), 401 without an account. */
function exp(allowed: Partial<Record<Member, number>>, others = 404): Record<Actor, number> {
  const e = {} as Record<Actor, number>;
  for (const a of ACTORS) e[a] = NO_ACCOUNT.includes(a) ? 401 : allowed[a as Member] ?? others;
  return e;
}
/** Visitor routes: the right proof gets `right`; everyone else (no proof, a wrong one, a session token) 403. */
const linkVisit = (right = 200, others = 403): Record<Actor, number> => ({ ...exp({}, others), anonymous: others, wrongProof: others, visitor: right });
/** Every caller gets the same answer (an expired or deleted link, or a route open to all). */
const all = (status: number): Record<Actor, number> => ({ ...exp({}, status), anonymous: status, wrongProof: status, visitor: status });
const everyone = (status = 200) => exp({}, status);
const publicRoute = (status: number) => ({ ...everyone(status), anonymous: status, visitor: status, wrongProof: status });
const ownerOnly = (owner = 200) => exp({ owner, editor: 403, viewer: 403 });
const members = (status = 200) => exp({ owner: status, editor: status, viewer: status });

// [Note: a refusal changes nothing] every refused request must leave every table as it was,
// apart from the bookkeeping of refusals themselves (rate limits, link throttling, log-in
// attempts, wrong tries of a mailed code) and a session's last-seen time.
const VOLATILE: Record<string, string[] | 'all'> = {
  rate_limits: 'all', link_throttle: 'all', auth_attempts: 'all', sessions: ['last_seen_at'], email_verifications: ['attempts'],
};
async function snapshot(t: TestApp): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const table of MATRIX_TABLES) {
    const skip = VOLATILE[table];
    if (skip === 'all') continue;
    const rows = await t.db.kysely.selectFrom(table as 'users').selectAll().execute() as Record<string, unknown>[];
    const text = rows.map((r) => JSON.stringify(Object.entries(r).filter(([k]) => !skip?.includes(k)).sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, v instanceof Uint8Array ? Buffer.from(v).toString('base64') : typeof v === 'bigint' ? String(v) : v]))).sort();
    out.set(table, createHash('sha256').update(text.join('\n')).digest('hex'));
  }
  return out;
}
const MATRIX_TABLES = ['users', 'sessions', 'files', 'file_blocks', 'library_items', 'albums', 'album_members', 'album_keys', 'album_items', 'album_states',
  'account_setups', 'links', 'link_keys', 'settings', 'external_invitations', 'email_verifications'];

for (const dialect of DIALECTS) describe(`authorization matrix on ${dialect}`, () => {
  let t: TestApp;
  const mailer = new MemoryMailer();
  const acct = {} as Record<Member, Account>;
  before(async () => {
    t = await makeTestApp({ dialect, mailer });
    for (const a of ACTORS) if (!NO_ACCOUNT.includes(a)) acct[a as Member] = await signup(t.app, `${a}-${randomUUID().slice(0, 8)}@example.org`, 'correct horse battery', a);
  });
  after(() => t.close());

  const id = (a: Member) => userId(acct[a]);

  async function scenario(): Promise<Scenario> {
    // Link throttling counts wrong proofs per address: each row starts after a quiet spell.
    t.clock.advance(2 * 3600_000);
    const { owner, editor, viewer, pending, declined, removed, left } = acct;
    const albumId = await createAlbum(t.app, owner);
    const p1 = (await uploadFile(t.app, owner.token)).body.fileId;
    await addItems(t.app, owner.token, albumId, [p1], 1);
    await join(t.app, owner, albumId, editor, 'editor');
    await join(t.app, owner, albumId, viewer, 'viewer');
    await join(t.app, owner, albumId, removed, 'viewer');
    await join(t.app, owner, albumId, left, 'editor');
    await invite(t.app, owner, albumId, [declined]);
    await invite(t.app, owner, albumId, [pending]);
    const p2 = (await uploadToAlbum(t.app, editor.token, albumId, 1)).body.fileId;
    // declining (like leaving) flags the key for rotation; the removal below rotates it
    await call(t.app, 'declineInvitation', { token: declined.token, params: { invitationId: await invitationOf(t.app, declined, albumId) } });
    await call(t.app, 'leaveAlbum', { token: left.token, params: { albumId } });
    const rot = await rotationFor(t.app, owner, albumId, [id('owner'), id('editor'), id('viewer'), id('pending')]);
    const r = await call(t.app, 'removeMember', { token: owner.token, params: { albumId, userId: id('removed') }, body: { rotation: rot } });
    assert.equal(r.statusCode, 200, r.body);
    const extra = (await login(t.app, owner.email, owner.password)).json();
    const link = await createLink(t.app, owner.token, { kind: 'album', albumId }, { epochs: 2 });
    const expired = await createLink(t.app, owner.token, { kind: 'album', albumId }, { epochs: 2, expiresAt: new Date(t.clock.now() + 60_000).toISOString() });
    const deleted = await createLink(t.app, owner.token, { kind: 'album', albumId }, { epochs: 2 });
    assert.equal((await call(t.app, 'deleteLink', { token: owner.token, params: { linkId: deleted.linkId } })).statusCode, 200);
    const ext = await call(t.app, 'shareAlbum', { token: owner.token, params: { albumId }, body: { invites: [], external: [{ email: newEmail(), role: 'viewer' }] } });
    assert.equal(ext.statusCode, 200, ext.body);
    t.clock.advance(120_000);
    return {
      external: ext.json().external[0].id,
      albumId, p1, p2, epoch: 2, stateSeq: (await album(t.app, owner.token, albumId)).state.seq, pendingInvitation: await invitationOf(t.app, pending, albumId), ownerExtraSession: extra.sessionId,
      link: link.linkId, expiredLink: expired.linkId, deletedLink: deleted.linkId, proof: link.proofB64Url,
    };
  }

  const rotation = (fx: Scenario, who: Member[]) => ({
    epoch: fx.epoch + 1, metadataB64: blob(40), sealedKeys: who.map((a) => ({ userId: id(a), sealedB64: blob() })), state: signedState(fx.stateSeq + 1),
  });
  const remaining: Member[] = ['owner', 'editor', 'viewer', 'pending'];
  const opaqueReq = () => opaque.client.startRegistration({ password: 'x' }).registrationRequest;
  const newEmail = () => `n-${randomUUID().slice(0, 8)}@example.org`;
  /** A code mailed to the actor's own email (as verifyEmail wants), or a made-up one for callers without an account. */
  const ownCode = async (a: Actor) => {
    if (!isMember(a)) return { verificationId: randomUUID(), code: '12345678' };
    const { verificationId } = (await call(t.app, 'requestEmailCode', { body: { email: acct[a].email } })).json();
    const subject = mailer.sent.filter((m) => m.kind === 'email-code' && m.to === acct[a].email).at(-1)!.subject;
    return { verificationId, code: subject.replace(/\D/g, '') };
  };

  const rows: Row[] = [
    { route: 'health', req: () => ({}), expect: publicRoute(200) },
    { route: 'signupStart', req: () => ({ body: { email: newEmail(), registrationRequestB64: opaqueReq() } }), expect: publicRoute(200) },
    {
      route: 'signupFinish', expect: publicRoute(200),
      // An existing account's email: answered like a free one, whoever asks ([Note: uniform sign-up]); nothing is created.
      req: async () => ({ body: (await signupRequest(t.app, acct.stranger.email, 'not the password')).body }),
    },
    { route: 'loginStart', req: () => ({ body: { email: acct.stranger.email, startLoginRequestB64: opaque.client.startLogin({ password: 'x' }).startLoginRequest } }), expect: publicRoute(200) },
    { route: 'loginFinish', req: () => ({ body: { loginId: randomUUID(), finishLoginRequestB64: 'AAAA' } }), expect: publicRoute(401) },
    { route: 'requestEmailCode', req: () => ({ body: { email: newEmail() } }), expect: publicRoute(200) },
    { route: 'recoveryStart', req: () => ({ body: { email: acct.stranger.email, registrationRequestB64: opaqueReq() } }), expect: publicRoute(200) },
    {
      route: 'recoveryFinish', expect: publicRoute(401),
      req: () => ({ body: { recoveryId: randomUUID(), signatureB64: blob(64), registrationRecordB64: randomBytes(192).toString('base64url'), passwordEnvelopeB64: blob(10) } }),
    },
    {
      route: 'logout', expect: everyone(200),
      // A session of its own, so the actor's main session lives on.
      req: async (_fx, a) => isMember(a) ? { token: (await login(t.app, acct[a].email, acct[a].password)).json().token } : {},
    },
    { route: 'passwordChangeStart', req: () => ({ body: { startLoginRequestB64: opaque.client.startLogin({ password: 'x' }).startLoginRequest, registrationRequestB64: opaqueReq() } }), expect: everyone(200) },
    {
      route: 'passwordChangeFinish', expect: everyone(200),
      // Proves the current password and re-registers it, so later logins still work.
      req: async (_fx, a) => isMember(a)
        ? { body: (await startPasswordChange(t.app, acct[a].token, acct[a].password, acct[a].password)).finishBody }
        : { body: { changeId: randomUUID(), finishLoginRequestB64: 'AAAA', registrationRecordB64: randomBytes(192).toString('base64url'), passwordEnvelopeB64: blob(10) } },
    },
    {
      route: 'passwordChangeFinish', variant: 'wrong current password', expect: everyone(403),
      // A session token alone: the change started with a guessed password is refused and changes nothing.
      req: async (_fx, a) => isMember(a)
        ? { body: (await startPasswordChange(t.app, acct[a].token, 'a wrong guess', 'the thief password')).finishBody }
        : { body: { changeId: randomUUID(), finishLoginRequestB64: 'AAAA', registrationRecordB64: randomBytes(192).toString('base64url'), passwordEnvelopeB64: blob(10) } },
    },
    { route: 'me', req: () => ({}), expect: everyone(200) },
    { route: 'listSessions', req: () => ({}), expect: everyone(200) },
    // Fresh accounts are at the current data version: nothing to set up, no lease to report on.
    { route: 'getSetup', req: () => ({}), expect: everyone(200) },
    { route: 'startSetup', req: () => ({ body: { total: 1 } }), expect: everyone(200) },
    { route: 'setupProgress', req: () => ({ body: { done: 1, total: 1 } }), expect: everyone(409) },
    { route: 'finishSetup', req: () => ({}), expect: everyone(200) },
    { route: 'verifyEmail', req: async (_fx, a) => ({ body: await ownCode(a) }), expect: everyone(200) },
    { route: 'verifyEmail', variant: 'a wrong code', req: async (_fx, a) => { const c = await ownCode(a); return { body: { ...c, code: c.code === '00000000' ? '00000001' : '00000000' } }; }, expect: everyone(400) },
    { route: 'revokeSession', req: (fx) => ({ params: { sessionId: fx.ownerExtraSession } }), expect: exp({ owner: 200 }) },

    { route: 'createFile', variant: 'into my library', req: () => ({ body: fakeFile([10]).body }), expect: everyone(200) },
    { route: 'createFile', variant: 'into the album', req: (fx) => ({ body: { ...fakeFile([10]).body, album: { albumId: fx.albumId, epoch: fx.epoch } } }), expect: exp({ owner: 200, editor: 200, viewer: 403 }) },
    {
      route: 'putBlock', variant: 'P2 (complete): only its uploader passes the access check, then it is already complete',
      req: (fx) => ({ params: { fileId: fx.p2, index: 0 }, payload: randomBytes(10), headers: { 'content-type': 'application/octet-stream' } }),
      expect: exp({ editor: 409 }),
    },
    { route: 'uploadStatus', req: (fx) => ({ params: { fileId: fx.p2 } }), expect: members() },
    { route: 'completeFile', req: (fx) => ({ params: { fileId: fx.p2 } }), expect: exp({ editor: 200 }) },
    { route: 'getFile', req: (fx) => ({ params: { fileId: fx.p2 } }), expect: members() },
    { route: 'getFile', variant: 'P1 via the album key', req: (fx) => ({ params: { fileId: fx.p1 }, query: `albumId=${fx.albumId}` }), expect: members() },
    { route: 'getBlock', req: (fx) => ({ params: { fileId: fx.p2, index: 0 } }), expect: members() },
    { route: 'getBlock', variant: "P1 (in the owner's library and the album)", req: (fx) => ({ params: { fileId: fx.p1, index: 0 } }), expect: members() },
    { route: 'getThumbnail', req: (fx) => ({ params: { fileId: fx.p2, size: 'large' } }), expect: members() },

    { route: 'libraryChanges', req: () => ({}), expect: everyone(200) },
    { route: 'libraryLookup', req: () => ({ body: { contentHashes: ['0'.repeat(64)] } }), expect: everyone(200) },
    { route: 'libraryTrash', req: (fx) => ({ body: { fileIds: [fx.p1] } }), expect: exp({ owner: 200 }) },
    { route: 'libraryRestore', req: (fx) => ({ body: { fileIds: [fx.p1] } }), expect: exp({ owner: 200 }) },
    { route: 'libraryDelete', req: (fx) => ({ body: { fileIds: [fx.p1] } }), expect: exp({ owner: 200 }) },
    { route: 'libraryAdd', req: (fx) => ({ body: { items: [{ fileId: fx.p2, wrappedKeyB64: blob(72), contentHash: randomBytes(32).toString('hex') }] } }), expect: members() },

    { route: 'usersLookup', req: () => ({ body: { emails: [acct.owner.email] } }), expect: everyone(200) },
    { route: 'createAlbum', req: () => ({ body: { albumId: randomUUID(), metadataB64: blob(), sealedKeyB64: blob(), state: signedState(1) } }), expect: everyone(200) },
    { route: 'listAlbums', req: () => ({}), expect: everyone(200) },
    { route: 'getAlbum', req: (fx) => ({ params: { albumId: fx.albumId } }), expect: members() },
    { route: 'updateAlbumMetadata', req: (fx) => ({ params: { albumId: fx.albumId }, body: { epoch: fx.epoch, metadataB64: blob(), state: signedState(fx.stateSeq + 1) } }), expect: ownerOnly() },
    { route: 'deleteAlbum', req: (fx) => ({ params: { albumId: fx.albumId } }), expect: ownerOnly() },
    { route: 'listAlbumItems', req: (fx) => ({ params: { albumId: fx.albumId } }), expect: members() },
    {
      // The editor sees the owner's photo through the album but may not share it onward.
      route: 'addAlbumItems', variant: "P1 (the owner's photo)",
      req: (fx) => ({ params: { albumId: fx.albumId }, body: { epoch: fx.epoch, items: [{ fileId: fx.p1, wrappedKeyB64: blob(72) }] } }),
      expect: exp({ owner: 200, editor: 403, viewer: 403 }),
    },
    {
      route: 'addAlbumItems', variant: "P2 (the editor's upload)",
      req: (fx) => ({ params: { albumId: fx.albumId }, body: { epoch: fx.epoch, items: [{ fileId: fx.p2, wrappedKeyB64: blob(72) }] } }),
      expect: exp({ owner: 200, editor: 200, viewer: 403 }),
    },
    {
      route: 'removeAlbumItems', variant: 'the owner removes P1, the others P2 (the editor added it)',
      req: (fx, a) => ({ params: { albumId: fx.albumId }, body: { fileIds: [a === 'owner' ? fx.p1 : fx.p2] } }),
      expect: exp({ owner: 200, editor: 200, viewer: 403 }),
    },
    { route: 'listMembers', req: (fx) => ({ params: { albumId: fx.albumId } }), expect: members() },
    {
      route: 'shareAlbum', req: (fx) => ({ params: { albumId: fx.albumId }, body: { invites: [{ userId: id('stranger'), role: 'viewer', sealedKeys: allEpochs(fx.epoch) }], state: signedState(fx.stateSeq + 1) } }),
      expect: ownerOnly(),
    },
    {
      route: 'shareAlbum', variant: 'an email without an account',
      req: (fx) => ({ params: { albumId: fx.albumId }, body: { invites: [], external: [{ email: newEmail(), role: 'viewer' }] } }),
      expect: ownerOnly(),
    },
    { route: 'updateMember', req: (fx) => ({ params: { albumId: fx.albumId, userId: id('viewer') }, body: { role: 'editor', state: signedState(fx.stateSeq + 1) } }), expect: ownerOnly() },
    {
      route: 'removeMember', req: (fx) => ({ params: { albumId: fx.albumId, userId: id('viewer') }, body: { rotation: rotation(fx, ['owner', 'editor', 'pending']) } }),
      expect: ownerOnly(),
    },
    { route: 'unshareAlbum', req: (fx) => ({ params: { albumId: fx.albumId }, body: { rotation: rotation(fx, ['owner']) } }), expect: ownerOnly() },
    { route: 'leaveAlbum', req: (fx) => ({ params: { albumId: fx.albumId } }), expect: exp({ owner: 400, editor: 200, viewer: 200, pending: 200 }) },
    {
      route: 'rotateAlbum', variant: 'no one left since the last rotation',
      req: (fx) => ({ params: { albumId: fx.albumId }, body: { rotation: rotation(fx, remaining) } }),
      expect: exp({ owner: 200, editor: 403, viewer: 403 }),
    },
    {
      route: 'signAlbumState', variant: 'the album is signed already',
      req: (fx) => ({ params: { albumId: fx.albumId }, body: { epoch: fx.epoch, metadataB64: blob(40), state: signedState(1) } }),
      expect: ownerOnly(409),
    },
    { route: 'listAlbumStates', req: (fx) => ({ params: { albumId: fx.albumId } }), expect: exp({ owner: 200, editor: 200, viewer: 200, pending: 200 }) },
    { route: 'listExternalInvitations', req: () => ({}), expect: everyone(200) },
    { route: 'cancelExternalInvitation', req: (fx) => ({ params: { invitationId: fx.external } }), expect: exp({ owner: 200 }) },
    { route: 'resendExternalInvitation', req: (fx) => ({ params: { invitationId: fx.external } }), expect: exp({ owner: 200 }) },
    { route: 'listInvitations', req: () => ({}), expect: everyone(200) },
    { route: 'acceptInvitation', req: (fx) => ({ params: { invitationId: fx.pendingInvitation } }), expect: exp({ pending: 200 }) },
    { route: 'declineInvitation', req: (fx) => ({ params: { invitationId: fx.pendingInvitation } }), expect: exp({ pending: 200 }) },
  ];

  const linkRows: Row[] = [
    { route: 'createLink', variant: 'album link', req: (fx) => ({ body: linkBody({ kind: 'album', albumId: fx.albumId }, { epochs: 2 }).body }), expect: ownerOnly() },
    { route: 'createLink', variant: "photo link to P1 (in the owner's library)", req: (fx) => ({ body: linkBody({ kind: 'file', fileId: fx.p1 }).body }), expect: exp({ owner: 200 }) },
    { route: 'listLinks', req: () => ({}), expect: everyone(200) },
    { route: 'updateLink', req: (fx) => ({ params: { linkId: fx.link }, body: { allowDownload: false } }), expect: exp({ owner: 200 }) },
    { route: 'deleteLink', req: (fx) => ({ params: { linkId: fx.link } }), expect: exp({ owner: 200 }) },
    { route: 'addLinkKeys', req: (fx) => ({ params: { linkId: fx.link }, body: { albumKeys: [{ epoch: 2, wrappedB64: blob(60) }] } }), expect: exp({ owner: 200 }) },
    { route: 'linkParams', req: (fx) => ({ params: { linkId: fx.link } }), expect: all(200) },
    { route: 'linkParams', variant: 'expired link', req: (fx) => ({ params: { linkId: fx.expiredLink } }), expect: all(410) },
    { route: 'linkParams', variant: 'deleted link', req: (fx) => ({ params: { linkId: fx.deletedLink } }), expect: all(404) },
    { route: 'linkContent', req: (fx) => ({ params: { linkId: fx.link } }), expect: linkVisit() },
    { route: 'linkContent', variant: 'expired link', req: (fx) => ({ params: { linkId: fx.expiredLink } }), expect: all(410) },
    { route: 'linkContent', variant: 'deleted link', req: (fx) => ({ params: { linkId: fx.deletedLink } }), expect: all(404) },
    { route: 'linkBlock', variant: 'P2, in the linked album', req: (fx) => ({ params: { linkId: fx.link, fileId: fx.p2, index: 0 } }), expect: linkVisit() },
    { route: 'linkBlock', variant: 'deleted link', req: (fx) => ({ params: { linkId: fx.deletedLink, fileId: fx.p2, index: 0 } }), expect: all(404) },
    { route: 'linkThumbnail', variant: 'P2, in the linked album', req: (fx) => ({ params: { linkId: fx.link, fileId: fx.p2, size: 'small' } }), expect: linkVisit() },
    { route: 'linkThumbnail', variant: 'expired link', req: (fx) => ({ params: { linkId: fx.expiredLink, fileId: fx.p2, size: 'small' } }), expect: all(410) },
  ];
  rows.push(...linkRows);

  test('positive control: the snapshot sees a one-byte change in any table it covers', async () => {
    const fx = await scenario();
    const before = await snapshot(t);
    await t.db.kysely.updateTable('album_members').set({ role: 'editor' }).where('album_id', '=', fx.albumId).where('user_id', '=', id('viewer')).execute();
    const after = await snapshot(t);
    assert.deepEqual([...before].filter(([k, h]) => after.get(k) !== h).map(([k]) => k), ['album_members']);
  });

  test('every route of the protocol table has at least one row', () => {
    const covered = new Set(rows.map((r) => r.route));
    assert.deepEqual(Object.keys(routes).filter((n) => !covered.has(n as RouteName)), []);
  });

  for (const row of rows) {
    test(`${row.route}${row.variant ? ` (${row.variant})` : ''}: ${ACTORS.map((a) => `${LABEL[a] ?? a} ${row.expect[a]}`).join(', ')}`, async () => {
      const fx = await scenario();
      // Refusals first (they must change nothing), then the allowed actors, the owner last.
      const order = [...ACTORS].sort((a, b) => rank(row.expect[a], a) - rank(row.expect[b], b));
      const got = {} as Record<Actor, number>;
      for (const actor of order) {
        const r = await row.req(fx, actor);
        const token = NO_ACCOUNT.includes(actor) ? undefined : r.token ?? acct[actor as Member].token;
        if (actor === 'visitor') r.headers = { ...r.headers, ...linkHeader(fx.proof) };
        if (actor === 'wrongProof') r.headers = { ...r.headers, ...linkHeader(proofPair().proofB64Url) };
        const before = row.expect[actor] >= 400 ? await snapshot(t) : undefined;
        const res = row.route === 'putBlock' && token
          ? await putBlock(t.app, token, String(r.params!.fileId), Number(r.params!.index), r.payload!)
          : await call(t.app, row.route, { ...r, ...(token ? { token } : {}) });
        got[actor] = res.statusCode;
        if (before && res.statusCode >= 400) {
          const after = await snapshot(t);
          const changed = [...before].filter(([table, h]) => after.get(table) !== h).map(([table]) => table);
          assert.deepEqual(changed, [], `${actor} was refused (${res.statusCode}) but changed ${changed.join(', ')}`);
        }
        if (res.statusCode >= 400) assert.equal(typeof res.json().error.message, 'string', `${actor}: ${res.body}`);
        assert.ok(res.statusCode < 500, `${actor}: ${res.body}`);
      }
      assert.deepEqual(got, row.expect);
    });
  }
});

function rank(status: number, actor: Actor): number {
  if (status >= 300) return 0;
  return actor === 'owner' ? 2 : 1;
}
