import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat, writeFile, mkdir, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { harness } from './helpers.ts';
import { defaultHome, type CliState } from '../src/context.ts';

const SESSION = {
  version: 1 as const, server: 'https://photos.example', sessionId: 's_1', token: 'tok_abc', expiresAt: '2030-01-01T00:00:00.000Z',
  user: { id: 'u_123', email: 'ann@example.com', displayName: 'Ann', x25519PublicKeyB64: 'AAAA', ed25519PublicKeyB64: 'BBBB' },
  bundleB64: 'CCCC',
};
const STATE: CliState = { version: 2, serverUrl: 'https://photos.example', email: 'ann@example.com', userId: 'u_123', session: SESSION };

test('state.json is written 0600 in a 0700 folder and reads back', async () => {
  const h = await harness();
  try {
    assert.equal(await h.ctx.readState(), null);
    await h.ctx.writeState(STATE);
    assert.equal((await stat(h.home)).mode & 0o777, 0o700);
    assert.equal((await stat(join(h.home, 'state.json'))).mode & 0o777, 0o600);
    assert.deepEqual(await h.ctx.readState(), STATE);
    await h.ctx.writeState({ ...STATE, session: { ...SESSION, token: 'tok_new' } });
    assert.equal((await h.ctx.readState())?.session.token, 'tok_new');
    assert.deepEqual(await readdir(h.home), ['state.json'], 'no temp files left behind');
    await h.ctx.clearState();
    assert.equal(await h.ctx.readState(), null);
    await h.ctx.clearState(); // idempotent
  } finally { await h.cleanup(); }
});

test('a loose pre-existing folder is tightened to 0700', async () => {
  const h = await harness();
  try {
    await mkdir(h.home, { recursive: true });
    await chmod(h.home, 0o755);
    await h.ctx.writeState(STATE);
    assert.equal((await stat(h.home)).mode & 0o777, 0o700);
  } finally { await h.cleanup(); }
});

test('a corrupt or foreign state file gives an actionable error', async () => {
  const h = await harness();
  try {
    await mkdir(h.home, { recursive: true });
    await writeFile(join(h.home, 'state.json'), '{not json');
    await assert.rejects(h.ctx.readState(), /state\.json is corrupt; run "obscura logout"/);
    await writeFile(join(h.home, 'state.json'), JSON.stringify({ version: 9, serverUrl: 'x', email: 'y' }));
    await assert.rejects(h.ctx.readState(), /not an Obscura state file/);
    await writeFile(join(h.home, 'state.json'), JSON.stringify({ version: 2, serverUrl: 'x', email: 'y', userId: 'u' }));
    await assert.rejects(h.ctx.readState(), /state\.json is corrupt/);
  } finally { await h.cleanup(); }
});

test('OBSCURA_HOME overrides the default ~/.config/obscura', () => {
  assert.equal(defaultHome({ OBSCURA_HOME: '/srv/o' }), '/srv/o');
  assert.equal(defaultHome({ HOME: '/home/ann' }), '/home/ann/.config/obscura');
  assert.equal(defaultHome({ HOME: '/home/ann', XDG_CONFIG_HOME: '/cfg' }), '/cfg/obscura');
});
