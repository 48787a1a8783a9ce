// Invitations to people without an account, without a server: the table `pending` and `members`
// print, and the command-line checks of pending / signup / verify-email that come before any request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExternalInvitationView } from '@obscura/sdk';
import { harness } from './helpers.ts';
import { externalJson, externalStatus, printExternal } from '../src/commands/pending.ts';

const FP = '12345 67890 12345 67890 12345 67890 12345 67890';
const base = {
  albumId: '1a2b3c4d-0000-4000-8000-000000000001', albumKind: 'album' as const, albumName: 'Kyoto 2026', role: 'viewer' as const,
  invitedAt: '2026-11-30T10:00:00.000Z', expiresAt: '2026-12-30T10:00:00.000Z',
};
const views: ExternalInvitationView[] = [
  { ...base, id: '00000000-0000-4000-8000-00000000000a', email: 'ann.long-address-for-the-table@example.org', status: 'pending' },
  {
    ...base, id: '00000000-0000-4000-8000-00000000000b', email: 'bob@example.org', status: 'signed-up',
    invitee: { id: 'u-bob', email: 'bob@example.org', displayName: 'Bob', fingerprint: FP },
  },
  { ...base, id: '00000000-0000-4000-8000-00000000000c', email: 'cat@example.org', status: 'expired', albumName: 'A'.repeat(120) },
  {
    ...base, id: '00000000-0000-4000-8000-00000000000d', email: 'dan@example.org', status: 'signed-up',
    invitee: { id: 'u-dan', email: 'mallory@example.org', displayName: 'Dan', fingerprint: FP },
    problem: 'the server names an account with another email (mallory@example.org) for the invitation to dan@example.org; nothing was shared',
  },
];

function print(list: readonly ExternalInvitationView[], withAlbum: boolean, albumArg?: string): string {
  let text = '';
  printExternal({ write: (s: string) => { text += s; } }, list, { withAlbum, ...(albumArg !== undefined ? { albumArg } : {}) });
  return text;
}

test('the table: each status in words, 100 columns at most (a long album name is cut), then what to do', () => {
  const text = print(views, true);
  const lines = text.trimEnd().split('\n');
  assert.match(lines[0]!, /^ALBUM +EMAIL +ROLE +STATUS +EXPIRES$/);
  const table = lines.slice(0, views.length + 1);
  assert.ok(table.every((l) => l.length <= 100), table.join('\n'));
  assert.ok(table.some((l) => /^"Kyoto …  ann\.long-address-for-the-table@\S*…  viewer  invited — no account yet /.test(l)), text);
  assert.ok(table.some((l) => /bob@example\.org +viewer +signed up — confirm their key +20\d\d-/.test(l)), text);
  assert.ok(table.some((l) => /^"AAAA.*…  cat@example\.org +viewer +expired /.test(l)), text);
  assert.ok(table.some((l) => /dan@example\.org +viewer +REFUSED \(see below\)/.test(l)), text);
  assert.deepEqual(lines.slice(views.length + 1), [
    `bob@example.org signed up; their key fingerprint: ${FP}`,
    '  check it with them (they see theirs with obscura fingerprint)',
    'then finish sharing: obscura pending finish bob@example.org',
    `REFUSED: dan@example.org ("Kyoto 2026"): ${views[3]!.problem}`,
    'the invitation to cat@example.org expired: obscura pending resend cat@example.org',
  ]);
  assert.deepEqual(views.map(externalStatus), ['invited — no account yet', 'signed up — confirm their key', 'expired', 'REFUSED (see below)']);
});

test('in members: no ALBUM column, and the re-send hint names the album as typed', () => {
  const text = print([views[2]!, { ...views[2]!, id: 'x', email: 'dot@example.org' }], false, 'Kyoto 2026');
  assert.match(text, /^EMAIL +ROLE +STATUS +EXPIRES\n/);
  assert.match(text, /^2 invitations expired: obscura pending resend EMAIL --album Kyoto 2026$/m);
});

test('names from others cannot drive the terminal: escaped in the table and the lines after it', () => {
  const hostile = { ...views[1]!, albumName: 'Trip\x1b]0;owned\x07', email: 'bob@example.org', problem: 'evil\x1b[2J' };
  const text = print([hostile], true);
  assert.ok(!/[\x00-\x08\x0b-\x1f\x7f]/.test(text), JSON.stringify(text));
  assert.ok(text.includes('Trip\\x1B]0;owned\\x07'), text);
  assert.ok(text.includes('evil\\x1B[2J'), text);
});

test('--json shape of one invitation', () => {
  assert.deepEqual(externalJson(views[1]!), {
    id: views[1]!.id, albumId: base.albumId, kind: 'album', albumName: 'Kyoto 2026', email: 'bob@example.org', role: 'viewer', status: 'signed-up',
    invitedAt: base.invitedAt, expiresAt: base.expiresAt, invitee: { id: 'u-bob', email: 'bob@example.org', name: 'Bob', fingerprint: FP },
  });
  assert.equal(externalJson(views[0]!).invitee, null);
  assert.equal(externalJson(views[3]!).problem, views[3]!.problem);
});

test('command-line mistakes are usage errors (exit 2) before anything is asked of a server', async () => {
  const cases: [string[], RegExp][] = [
    [['pending', 'frob'], /^obscura: unknown pending subcommand frob; use finish, cancel or resend/],
    [['pending', 'cancel'], /^obscura: obscura pending cancel takes one EMAIL/],
    [['pending', 'resend', 'a@example.org', 'b@example.org'], /^obscura: obscura pending resend takes one EMAIL/],
    [['pending', '--yes'], /^obscura: --yes is for obscura pending finish/],
    [['signup', '--server', 'http://127.0.0.1:9', '--email', 'a@example.org', '--request-code', '--code', '12345678'], /^obscura: --request-code only mails the code/],
    [['signup', '--server', 'http://127.0.0.1:9', '--email', 'a@example.org', '--verify-email', '--code', '12345678'], /^obscura: use either --verify-email .* or --code CODE/],
    [['signup', '--server', 'http://127.0.0.1:9', '--email', 'a@example.org', '--code', '12345678'], /^obscura: --code goes with the request that mailed it: run obscura signup --request-code first/],
    [['verify-email', '--request', '--code', '12345678'], /^obscura: --request only mails the code/],
  ];
  for (const [argv, message] of cases) {
    const h = await harness({ env: { OBSCURA_PASSWORD: 'correct horse battery staple' } });
    try {
      assert.equal(await h.run(...argv), 2, `${argv.join(' ')}: ${h.stderr.text}`);
      assert.match(h.stderr.text, message, argv.join(' '));
      assert.equal(h.stdout.text, '');
    } finally { await h.cleanup(); }
  }
  const h = await harness();
  try {
    assert.equal(await h.run('pending'), 1);
    assert.equal(h.stderr.text, 'obscura: not logged in; run obscura login --server URL --email E\n');
  } finally { await h.cleanup(); }
});
