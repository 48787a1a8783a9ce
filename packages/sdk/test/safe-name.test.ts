// [Note: safe file names] names from other people's metadata, made safe before a download uses them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_NAME_BYTES, safeName, saveOriginal } from '../src/node/index.ts';
import type { PhotoKeys } from '../src/library.ts';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069/\\]/;

test('ordinary names are kept as they are', () => {
  for (const n of ['IMG_0001.jpg', 'Café Noël.heic', '東京 2026.png', '👨‍👩‍👧 beach.mp4', 'a (1).jpg', 'no extension', 'x']) {
    assert.equal(safeName(n, { windows: false }), n);
  }
});

test('long names fit in 255 bytes and keep their extension', () => {
  const long = safeName(`${'a'.repeat(300)}.jpg`);
  assert.equal(bytes(long), MAX_NAME_BYTES);
  assert.ok(long.endsWith('aaa.jpg'));
  const jpeg = safeName(`${'b'.repeat(253)}.jpeg`);
  assert.ok(bytes(jpeg) <= MAX_NAME_BYTES && jpeg.endsWith('.jpeg'));
  // an "extension" too long to be one is cut like the rest
  const ext = safeName(`a.${'c'.repeat(300)}`);
  assert.equal(bytes(ext), MAX_NAME_BYTES);
  assert.ok(ext.startsWith('a.ccc'));
  assert.equal(safeName(`${'d'.repeat(255)}`), 'd'.repeat(255), 'exactly 255 bytes: kept');
});

test('truncation never cuts a multi-byte character, nor an emoji sequence', () => {
  const accents = safeName(`${'é'.repeat(200)}.jpg`); // 2 bytes each
  assert.ok(bytes(accents) <= MAX_NAME_BYTES);
  assert.match(accents, /^é+\.jpg$/u);
  assert.doesNotMatch(accents, /\uFFFD/);
  assert.equal(Buffer.from(accents, 'utf8').toString('utf8'), accents);
  const family = '👨‍👩‍👧'; // 18 bytes: three emoji joined by ZWJ
  const emoji = safeName(`${family.repeat(30)}.png`);
  assert.ok(bytes(emoji) <= MAX_NAME_BYTES);
  assert.equal(emoji, `${family.repeat(Math.floor((MAX_NAME_BYTES - 4) / bytes(family)))}.png`, 'whole sequences only');
  const cjk = safeName(`${'漢'.repeat(100)}.jpg`); // 3 bytes each
  assert.equal(cjk, `${'漢'.repeat(83)}.jpg`);
  // one grapheme longer than the limit: cut between code points, never inside one
  const zalgo = safeName(`e${'\u0301'.repeat(200)}`);
  assert.ok(bytes(zalgo) <= MAX_NAME_BYTES && zalgo.startsWith('e\u0301'));
});

test('no leading dot, no ".", "..", empty or dot-only name', () => {
  assert.equal(safeName('.bashrc'), '_.bashrc');
  assert.equal(safeName('.jpg'), '_.jpg');
  assert.equal(safeName('..'), 'photo');
  assert.equal(safeName('.'), 'photo');
  assert.equal(safeName('...'), 'photo');
  assert.equal(safeName(''), 'photo');
  assert.equal(safeName('  '), 'photo');
  const hidden = safeName(`.${'x'.repeat(296)}.jpg`);
  assert.ok(hidden.startsWith('_.x') && hidden.endsWith('.jpg') && bytes(hidden) <= MAX_NAME_BYTES);
});

test('path separators, C0, DEL, C1 and bidi controls become "_"', () => {
  assert.equal(safeName('../../etc/passwd'), '_.._.._etc_passwd');
  assert.equal(safeName('a\\b/c.jpg'), 'a_b_c.jpg');
  assert.equal(safeName('x\u0000y\u001b]52;c;AA\u0007z.jpg'), 'x_y_]52;c;AA_z.jpg');
  assert.equal(safeName('tab\there\nnl.jpg'), 'tab_here_nl.jpg');
  assert.equal(safeName('del\u007f.jpg'), 'del_.jpg');
  assert.equal(safeName('c1\u0085\u009b31m.jpg'), 'c1__31m.jpg');
  assert.equal(safeName('invoice\u202egpj.exe'), 'invoice_gpj.exe', 'an RLO cannot make ".exe" look like ".jpg"');
  for (const cp of [0x202a, 0x202b, 0x202c, 0x202d, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c, 0x2028, 0x2029]) {
    assert.equal(safeName(`a${String.fromCodePoint(cp)}b.jpg`), 'a_b.jpg', `U+${cp.toString(16)}`);
  }
  for (let cp = 0; cp <= 0x9f; cp++) {
    if (cp >= 0x20 && cp < 0x7f) continue;
    assert.doesNotMatch(safeName(`a${String.fromCharCode(cp)}b`), UNSAFE, `U+${cp.toString(16)}`);
  }
});

test('Windows: reserved device names, trailing dots and spaces, forbidden characters', () => {
  assert.equal(safeName('CON'), '_CON');
  assert.equal(safeName('con.jpg'), '_con.jpg');
  assert.equal(safeName('LPT1.tar.gz'), '_LPT1.tar.gz');
  assert.equal(safeName('COM9'), '_COM9');
  assert.equal(safeName('CONSOLE.jpg'), 'CONSOLE.jpg', 'only the exact device names');
  assert.equal(safeName('photo.jpg. . '), 'photo.jpg');
  assert.equal(safeName('what?: "a" <b>|*.jpg', { windows: true }), 'what__ _a_ _b___.jpg');
  assert.equal(safeName('what?.jpg', { windows: false }), 'what?.jpg', 'allowed elsewhere');
});

test('saveOriginal: a hostile name is saved under its safe name, byte-identical; " (1)" also fits in 255 bytes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'obscura-safe-name-'));
  try {
    const content = Buffer.from('original bytes');
    const source = { async *download() { yield new Uint8Array(content); } };
    const photo = (name: string) => ({ fileId: 'f', metadata: { name, capturedAt: Date.UTC(2020, 0, 1) } }) as unknown as PhotoKeys & { metadata: { name: string; capturedAt: number } };
    const name = `.${'n'.repeat(300)}\u202e.jpg`;
    const first = await saveOriginal(source, photo(name), dir);
    const second = await saveOriginal(source, photo(name), dir);
    const names = (await readdir(dir)).sort();
    assert.equal(names.length, 2, 'nothing else left behind (no partial file)');
    for (const p of [first.path, second.path]) {
      const base = p.slice(dir.length + 1);
      assert.ok(bytes(base) <= MAX_NAME_BYTES, `${bytes(base)} bytes`);
      assert.ok(base.startsWith('_.nnn') && base.endsWith('.jpg'), base);
      assert.deepEqual(await readFile(p), content);
    }
    assert.ok(second.path.endsWith(' (1).jpg'), 'never overwriting');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
