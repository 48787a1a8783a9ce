// [Note: terminal text] what other people wrote never drives the terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safe, safeJson, safeText } from '../src/terminal-text.ts';
import { formatTable, printJson, reportError } from '../src/output.ts';
import { CliError } from '../src/errors.ts';
import { createProgress } from '../src/progress.ts';

/** Anything a terminal could act on: C0 (but the line's own \n), DEL, C1, bidi controls, line separators. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

test('every control class is shown as a visible escape', () => {
  assert.equal(safeText('a\u0000b'), 'a\\x00b');
  assert.equal(safeText('\u001b]52;c;ZXZpbA==\u0007'), '\\x1B]52;c;ZXZpbA==\\x07', 'OSC 52 (clipboard) with BEL');
  assert.equal(safeText('\u001b]0;owned\u001b\\'), '\\x1B]0;owned\\x1B\\', 'OSC 0 (title) with ST');
  assert.equal(safeText('\u001b[2J\u001b[1;1H'), '\\x1B[2J\\x1B[1;1H', 'CSI');
  assert.equal(safeText('line\nnext\ttab\rback'), 'line\\nnext\\ttab\\rback', 'even \\n, \\t and \\r inside a value');
  assert.equal(safeText('del\u007f'), 'del\\x7F');
  assert.equal(safeText('\u0085\u009b31m\u009d0;t\u009c'), '\\x85\\x9B31m\\x9D0;t\\x9C', 'C1 (NEL, CSI, OSC, ST)');
  assert.equal(safeText('\u202egpj.exe'), '\\u{202E}gpj.exe', 'RLO');
  for (const cp of [0x202a, 0x202b, 0x202c, 0x202d, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c, 0x2028, 0x2029]) {
    const ch = String.fromCodePoint(cp);
    assert.equal(safeText(`x${ch}y`), `x\\u{${cp.toString(16).toUpperCase()}}y`, `U+${cp.toString(16)}`);
  }
  for (let cp = 0; cp <= 0x9f; cp++) {
    if (cp >= 0x20 && cp < 0x7f) continue;
    assert.doesNotMatch(safeText(String.fromCharCode(cp)), RAW, `U+${cp.toString(16)}`);
  }
});

test('ordinary text, accents, CJK and emoji (with joiners and variation selectors) are untouched', () => {
  for (const s of ['IMG_0001.jpg', 'Café Noël — Zürich', 'Ærøskøbing', '東京 2026', 'שלום עולם', 'مرحبا', '👨‍👩‍👧 ❤️ 🏳️‍🌈', 'e\u0301te\u0301', 'a\\x1B b', '']) {
    assert.equal(safeText(s), s);
  }
  assert.equal(safeText(42), '42');
  const once = safeText('\u001b[31mred\u202e');
  assert.equal(safeText(once), once, 'escaping twice changes nothing');
});

test('the safe tag escapes values and keeps the fixed text (newlines included)', () => {
  const name = 'Mal\u001b]52;c;AA\u0007\nlory';
  assert.equal(safe`invited ${name} to ${'"A\u202eB"'}\n`, 'invited Mal\\x1B]52;c;AA\\x07\\nlory to "A\\u{202E}B"\n');
  assert.equal(safe`${1} of ${2}`, '1 of 2');
});

test('a table cell with escape sequences comes out escaped, and rows and columns hold', () => {
  const rows = [
    { name: 'plain.jpg', who: 'Ann <ann@example.org>' },
    { name: 'x\u001b[2J\u001b[Hy\n.jpg', who: '\u001b]0;title\u0007Eve\u202e <eve@example.org>' },
  ];
  const t = formatTable([{ header: 'NAME', value: (r: (typeof rows)[number]) => r.name }, { header: 'BY', value: (r) => r.who }], rows);
  assert.doesNotMatch(t, RAW);
  const lines = t.trimEnd().split('\n');
  assert.equal(lines.length, 3, 'a newline in a cell does not add a row');
  assert.equal(lines[2], 'x\\x1B[2J\\x1B[Hy\\n.jpg  \\x1B]0;title\\x07Eve\\u{202E} <eve@example.org>');
  assert.equal(lines[1]!.indexOf('Ann'), lines[2]!.indexOf('\\x1B]0'), 'columns are aligned on the escaped text');
});

test('--json: C0 escaped by JSON itself, C1 / DEL / bidi / separators as \\uXXXX; parses back to the same values', () => {
  const value = { name: 'a\u001b[31m\u0085\u009b\u007f\u202e\u2066\u2028b', plain: 'Café 👨‍👩‍👧', n: 1 };
  const text = safeJson(value, 2);
  assert.doesNotMatch(text, RAW);
  assert.match(text, /\\u001b\[31m\\u0085\\u009b\\u007f\\u202e\\u2066\\u2028b/);
  assert.deepEqual(JSON.parse(text), value);
  assert.equal(safeJson(undefined), 'null');
  const out = { text: '', write(c: string) { this.text += c; } };
  printJson(out, value);
  assert.equal(out.text, `${text}\n`);
});

test('error messages quoting names are escaped, and shown whole on one line', () => {
  const out = { text: '', write(c: string) { this.text += c; } };
  assert.equal(reportError({ stderr: out, env: {} }, new CliError('no album matches "x\u001b]52;c;AA\u0007\ny"')), 1);
  assert.equal(out.text, 'obscura: no album matches "x\\x1B]52;c;AA\\x07\\ny"\n');
  out.text = '';
  reportError({ stderr: out, env: {} }, new Error('boom \u009b2J\nsecond line'));
  assert.equal(out.text, 'obscura: boom \\x9B2J\n', 'an unexpected error: its first line');
  out.text = '';
  reportError({ stderr: out, env: { OBSCURA_DEBUG: '1' } }, new TypeError('t\u001b[2Jx'));
  assert.doesNotMatch(out.text, RAW, 'the stack is escaped too');
});

test('progress lines: the label and summary are escaped, the bar keeps its own redraw control', () => {
  const err = { text: '', isTTY: true, write(c: string) { this.text += c; } };
  const p = createProgress({ stderr: err, quiet: false, now: () => 0 }, { label: 'download', total: { bytes: 10, files: 1 } });
  p.addBytes(5);
  p.finish('1 file saved in /tmp/\u001b]0;x\u0007');
  assert.ok(err.text.endsWith('\r\u001b[Kdownload: 1 file saved in /tmp/\\x1B]0;x\\x07 in 0s\n'));
  assert.doesNotMatch(err.text.replaceAll('\r\u001b[K', ''), RAW);
});
