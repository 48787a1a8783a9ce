import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError, IntegrityError, KeyChangedError, KeyPins, UsageError as SdkUsageError } from '@obscura/sdk';
import { harness } from './helpers.ts';
import { describeError, loadPins, stretching, PINS_FILE } from '../src/client.ts';
import { readPrivateJson, writePrivateFile } from '../src/context.ts';
import { CliError } from '../src/errors.ts';
import { reportError } from '../src/output.ts';

const line = (err: unknown, o?: { sessionBased?: boolean }) => {
  const out = { text: '', write(c: string) { this.text += c; } };
  const code = reportError({ stderr: out, env: {} }, describeError(err, o));
  return [code, out.text] as const;
};

test('SDK errors become one line with the right exit code', () => {
  assert.deepEqual(line(new ApiError(403, 'forbidden', 'editors cannot rename the album or change its cover')),
    [1, 'obscura: editors cannot rename the album or change its cover\n']);
  assert.deepEqual(line(new ApiError(0, 'network', 'cannot reach the server at http://127.0.0.1:9: connect ECONNREFUSED')),
    [1, 'obscura: cannot reach the server at http://127.0.0.1:9: connect ECONNREFUSED\n']);
  assert.deepEqual(line(new ApiError(401, 'unauthorized', 'session expired'), { sessionBased: true }), [1, 'obscura: your session has ended; run obscura login\n']);
  assert.deepEqual(line(new ApiError(401, 'unauthorized', 'wrong email or password')), [1, 'obscura: wrong email or password\n'], 'during login 401 is the server word');
  assert.deepEqual(line(new IntegrityError('f1', 'block 0 does not match the signed manifest')),
    [1, 'obscura: refused: photo f1 failed verification: block 0 does not match the signed manifest\n']);
  const changed = line(new KeyChangedError('u1', 'Mallory'));
  assert.equal(changed[0], 1);
  assert.match(changed[1], /^obscura: WARNING: the keys of Mallory \(u1\) changed since they were first seen\. .*obscura fingerprint EMAIL/);
  assert.deepEqual(line(new SdkUsageError('the password must have at least 8 characters')), [1, 'obscura: the password must have at least 8 characters\n']);
  const cli = new CliError('x', 2);
  assert.equal(describeError(cli), cli);
});

test('pins, timeline and other private files are 0600 in a 0700 folder, written atomically', async () => {
  const h = await harness();
  try {
    const pins = new KeyPins({ u1: { ed25519: 'AAAA', x25519: 'BBBB' } });
    await writePrivateFile(h.home, PINS_FILE, JSON.stringify(pins.toJSON()));
    await writePrivateFile(h.home, 'timeline-u1.json', '{"version":1}');
    assert.equal((await stat(h.home)).mode & 0o777, 0o700);
    for (const f of await readdir(h.home)) assert.equal((await stat(join(h.home, f))).mode & 0o777, 0o600, f);
    assert.deepEqual((await readdir(h.home)).sort(), ['pins.json', 'timeline-u1.json']);
    assert.deepEqual((await loadPins(h.ctx)).toJSON(), pins.toJSON());
    assert.equal(await readPrivateJson(h.home, 'absent.json'), undefined);
    await writePrivateFile(h.home, 'bad.json', '{');
    await assert.rejects(readPrivateJson(h.home, 'bad.json'), /bad\.json is corrupt/);
  } finally { await h.cleanup(); }
});

test('OBSCURA_INSECURE_FAST_KDF=1 is used only when set, with a warning each time', async () => {
  const h = await harness({ env: { OBSCURA_INSECURE_FAST_KDF: '1' } });
  try {
    assert.deepEqual(stretching({ env: {}, stderr: h.stderr }), {});
    assert.equal(h.stderr.text, '');
    const s = stretching(h.ctx);
    assert.deepEqual(s.kdfParams, { memoryKiB: 1024, iterations: 1, parallelism: 1 });
    assert.deepEqual(s.opaqueKeyStretching, { 'argon2id-custom': { iterations: 1, memory: 1024, parallelism: 1 } });
    assert.match(h.stderr.text, /^obscura: WARNING: OBSCURA_INSECURE_FAST_KDF=1: weak test-only password stretching/);
    assert.equal(h.stderr.text.split('\n').length, 2, 'one line');
  } finally { await h.cleanup(); }
});
