#!/usr/bin/env node
// Runs every test file of the monorepo with node's own test runner (TypeScript through tsx).
// Tiers are told apart by file name: *.medium.test.ts (real SQLite + PostgreSQL),
// *.e2e.test.ts (through the SDK/CLI against a real server process), other *.test.ts = unit.
//   node scripts/test.mjs [--tier unit|medium|e2e] [filter...]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
let tier;
const filters = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--tier') tier = args[++i];
  else filters.push(args[i]);
}

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}
const tierOf = (f) => (f.endsWith('.medium.test.ts') ? 'medium' : f.endsWith('.e2e.test.ts') ? 'e2e' : 'unit');
const dirs = ['packages', 'apps', 'test'].map((d) => join(root, d)).filter((d) => { try { return statSync(d).isDirectory(); } catch { return false; } });
let files = dirs.flatMap((d) => walk(d, [])).map((f) => relative(root, f)).sort();
if (tier) files = files.filter((f) => tierOf(f) === tier);
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) { console.error('no test files matched'); process.exit(1); }

// Test files run one after another (TEST_CONCURRENCY=N runs N at a time). Two at a time on this
// 2-core machine was tried: PostgreSQL tests then collided on Kysely's migration tables (fixed,
// see [Note: migration tables in our own schema]) and two browser/e2e files starved each other
// until one hung, so one at a time stays the default until the suite is made robust to it.
const concurrency = Number(process.env.TEST_CONCURRENCY ?? 1);
if (!Number.isInteger(concurrency) || concurrency < 1) { console.error(`TEST_CONCURRENCY must be a whole number >= 1, got "${process.env.TEST_CONCURRENCY}"`); process.exit(2); }
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], {
  cwd: root, stdio: 'inherit', env: { ...process.env, OBSCURA_TEST: '1' },
});
process.exit(r.status ?? 1);
