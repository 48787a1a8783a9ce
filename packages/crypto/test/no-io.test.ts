// packages/crypto does no I/O beyond randomness: every source file imports only relative
// files, hash-wasm or #primitives (node:crypto only from the node implementation), and no
// file touches the network, the file system, the environment or CommonJS require.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const pkgRoot = fileURLToPath(new URL('..', import.meta.url));
const srcRoot = join(pkgRoot, 'src');

const ALWAYS_ALLOWED = new Set(['hash-wasm', '#primitives']);
// Per-file extra imports. [Note: node-parallel] a worker-thread hasher for the Node upload
// pipeline may live in src/primitives/node-parallel*.ts; it alone may use worker_threads.
function extraAllowed(file: string): Set<string> {
  if (file === 'src/primitives/node.ts') return new Set(['node:crypto']);
  if (/^src\/primitives\/node-parallel[\w.-]*\.ts$/.test(file)) return new Set(['node:crypto', 'node:worker_threads']);
  return new Set();
}
const FORBIDDEN = ['fetch(', 'XMLHttpRequest', 'WebSocket', 'process.env', 'require(', 'node:fs', 'node:net', 'node:http', 'node:child_process'];

/** Source text with comments removed (string literals kept), via the TypeScript scanner. */
function codeOnly(text: string): string {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, /* skipTrivia */ false, ts.LanguageVariant.Standard, text);
  let out = '';
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.SingleLineCommentTrivia || kind === ts.SyntaxKind.MultiLineCommentTrivia) out += ' ';
    else out += scanner.getTokenText();
  }
  return out;
}

export function violations(file: string, text: string): string[] {
  const found: string[] = [];
  const info = ts.preProcessFile(text, /* readImportFiles */ true, /* detectJavaScriptImports */ true);
  const allowed = extraAllowed(file);
  for (const ref of info.importedFiles) {
    const spec = ref.fileName;
    const ok = spec.startsWith('./') || spec.startsWith('../') || ALWAYS_ALLOWED.has(spec) || allowed.has(spec);
    if (!ok) found.push(`${file}: imports '${spec}'`);
  }
  let code = codeOnly(text).replace(/\s+\(/g, '(');
  // The worker thread's own (eval'd, CommonJS) source may require exactly the modules its
  // file may import, and nothing else.
  for (const spec of allowed) code = code.split(`require('${spec}')`).join('');
  for (const token of FORBIDDEN) if (code.includes(token)) found.push(`${file}: uses ${token}`);
  return found;
}

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

test('every file under packages/crypto/src imports only what it may and does no I/O', () => {
  const files = walk(srcRoot, []);
  assert.ok(files.length >= 6, `expected the crypto sources, found ${files.length}`);
  const rel = files.map((f) => relative(pkgRoot, f).split(sep).join('/'));
  assert.ok(rel.includes('src/primitives/node.ts') && rel.includes('src/primitives/web.ts') && rel.includes('src/hpke.ts'));
  const all = files.flatMap((f, i) => violations(rel[i]!, readFileSync(f, 'utf8')));
  assert.deepEqual(all, []);
});

test('the checker itself catches what it must (and ignores comments)', () => {
  assert.deepEqual(violations('src/x.ts', "import { a } from './a.ts';\nimport type { B } from '../b.ts';\nimport { argon2id } from 'hash-wasm';\n// fetch(url) in a comment is fine\n"), []);
  assert.deepEqual(violations('src/x.ts', "import { randomBytes } from 'node:crypto';"), ["src/x.ts: imports 'node:crypto'"]);
  assert.deepEqual(violations('src/primitives/node.ts', "import { randomBytes } from 'node:crypto';"), []);
  assert.deepEqual(violations('src/primitives/node-parallel.ts', "import { Worker } from 'node:worker_threads';"), []);
  assert.deepEqual(violations('src/primitives/node.ts', "import { Worker } from 'node:worker_threads';"), ["src/primitives/node.ts: imports 'node:worker_threads'"]);
  assert.deepEqual(violations('src/x.ts', "export * from 'lodash';"), ["src/x.ts: imports 'lodash'"]);
  assert.deepEqual(violations('src/x.ts', "const m = await import('node:fs');"), ["src/x.ts: imports 'node:fs'", 'src/x.ts: uses node:fs']);
  assert.deepEqual(violations('src/x.ts', 'await fetch (url);'), ['src/x.ts: uses fetch(']);
  assert.deepEqual(violations('src/x.ts', 'const k = process.env.KEY;'), ['src/x.ts: uses process.env']);
  assert.deepEqual(violations('src/x.ts', "const s = new WebSocket('wss://x');"), ['src/x.ts: uses WebSocket']);
  assert.deepEqual(violations('src/x.ts', "const fs = require('fs');"), ["src/x.ts: imports 'fs'", 'src/x.ts: uses require(']);
  assert.deepEqual(violations('src/primitives/node-parallel.ts', "const W = `require('node:worker_threads')`;"), []);
  assert.deepEqual(violations('src/primitives/node-parallel.ts', "const W = `require('node:fs')`;"), ['src/primitives/node-parallel.ts: uses require(', 'src/primitives/node-parallel.ts: uses node:fs']);
  assert.deepEqual(violations('src/x.ts', 'const x = new XMLHttpRequest();'), ['src/x.ts: uses XMLHttpRequest']);
});
