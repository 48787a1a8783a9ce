// Zero-knowledge checks: every byte the server keeps (database files, blobs, logs) is scanned
// for strings that must never reach it.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Every file below `dir`, recursively. */
export async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await allFiles(p)));
    else out.push(p);
  }
  return out;
}

/** Where each needle occurs (as UTF-8) in the files below `dir` or in `extra` texts: `"needle" in file`. */
export async function findNeedles(dir: string, needles: readonly string[], extra: Record<string, string> = {}): Promise<string[]> {
  const hits: string[] = [];
  const check = (name: string, bytes: Buffer) => {
    for (const n of needles) if (bytes.indexOf(Buffer.from(n, 'utf8')) !== -1) hits.push(`"${n}" in ${name}`);
  };
  for (const file of await allFiles(dir)) check(file, await readFile(file));
  for (const [name, text] of Object.entries(extra)) check(name, Buffer.from(text, 'utf8'));
  return hits;
}
