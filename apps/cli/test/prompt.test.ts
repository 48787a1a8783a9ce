import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from './helpers.ts';
import { readPassword } from '../src/prompt.ts';

test('OBSCURA_PASSWORD is used without prompting', async () => {
  const h = await harness({ env: { OBSCURA_PASSWORD: 'correct horse' } });
  try {
    assert.equal(await readPassword(h.ctx, { confirm: true }), 'correct horse');
    assert.equal(h.stderr.text, '');
  } finally { await h.cleanup(); }
});

test('no TTY and no OBSCURA_PASSWORD → clear refusal', async () => {
  const h = await harness();
  try {
    await assert.rejects(readPassword(h.ctx), { message: 'no terminal to ask for the password; set OBSCURA_PASSWORD or run in a terminal', exitCode: 1 });
  } finally { await h.cleanup(); }
});

test('TTY prompt reads without echo, handles backspace, confirms', async () => {
  const h = await harness({ tty: true });
  try {
    const p = readPassword(h.ctx, { prompt: 'New password: ', confirm: true });
    h.stdin.type('hunter2x\u007f\r'); // typo fixed with backspace
    await new Promise((r) => setImmediate(r)); // let the second prompt attach
    h.stdin.type('hunter2\r');
    assert.equal(await p, 'hunter2');
    assert.equal(h.stderr.text, 'New password: \nRepeat password: \n', 'nothing typed is echoed');
    assert.equal(h.stdout.text, '');
    assert.deepEqual(h.stdin.rawModeCalls, [true, false, true, false]);
    assert.equal(h.stdin.listenerCount('data'), 0);
  } finally { await h.cleanup(); }
});

test('TTY prompt: mismatch and Ctrl-C are errors', async () => {
  const h = await harness({ tty: true });
  try {
    const p = readPassword(h.ctx, { confirm: true });
    h.stdin.type('one\r');
    await new Promise((r) => setImmediate(r));
    h.stdin.type('two\r');
    await assert.rejects(p, /the two passwords do not match/);
    const q = readPassword(h.ctx);
    h.stdin.type('abc\u0003');
    await assert.rejects(q, { message: 'cancelled', exitCode: 130 });
    assert.equal(h.stdin.rawMode, false, 'raw mode restored');
  } finally { await h.cleanup(); }
});

test('yes/no question: echoed answer, anything but y/yes is no, refuses without a TTY', async () => {
  const h = await harness({ tty: true });
  try {
    const { askYesNo } = await import('../src/prompt.ts');
    const yes = askYesNo(h.ctx, 'Leave "Trip" for good?');
    h.stdin.type('y\r');
    assert.equal(await yes, true);
    assert.equal(h.stderr.text, 'Leave "Trip" for good? [y/N] y\n');
    const no = askYesNo(h.ctx, 'Again?');
    h.stdin.type('\r');
    assert.equal(await no, false);
  } finally { await h.cleanup(); }
  const p = await harness();
  try {
    const { askYesNo } = await import('../src/prompt.ts');
    await assert.rejects(askYesNo(p.ctx, 'Sure?'), /no terminal to ask for confirmation/);
  } finally { await p.cleanup(); }
});
