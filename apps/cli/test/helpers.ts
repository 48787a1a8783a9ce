// In-process CLI harness: captured streams, temp OBSCURA_HOME, controllable clock.
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, type CliContext, type InStream, type OutStream } from '../src/context.ts';
import { main } from '../src/main.ts';

export interface Capture extends OutStream {
  text: string;
  isTTY: boolean;
  columns?: number;
  /** Resolves with the first match of `re` in everything written so far or later. */
  waitFor(re: RegExp): Promise<RegExpExecArray>;
}

export function capture(isTTY = false): Capture {
  const waiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  const c: Capture = {
    text: '',
    isTTY,
    write(chunk: string) {
      c.text += chunk;
      for (const w of [...waiters]) {
        const m = w.re.exec(c.text);
        if (m) { waiters.splice(waiters.indexOf(w), 1); w.resolve(m); }
      }
      return true;
    },
    waitFor(re) {
      const m = re.exec(c.text);
      return m ? Promise.resolve(m) : new Promise((resolve) => waiters.push({ re, resolve }));
    },
  };
  return c;
}

/** A stdin that behaves like a TTY (raw mode recorded) or a pipe. */
export class FakeStdin extends EventEmitter implements InStream {
  rawMode = false;
  rawModeCalls: boolean[] = [];
  constructor(public isTTY: boolean) { super(); }
  setRawMode(mode: boolean) { this.rawMode = mode; this.rawModeCalls.push(mode); return this; }
  resume() { return this; }
  pause() { return this; }
  /** Types keys once the prompt is listening. */
  type(keys: string) { this.emit('data', Buffer.from(keys, 'utf8')); }
}

export interface Harness {
  ctx: CliContext;
  stdout: Capture;
  stderr: Capture;
  stdin: FakeStdin;
  home: string;
  clock: { t: number };
  abort: AbortController;
  run(...argv: string[]): Promise<number>;
  cleanup(): Promise<void>;
}

export async function harness(o: { env?: Record<string, string>; tty?: boolean } = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'obscura-cli-'));
  const home = join(dir, 'home');
  const stdout = capture(o.tty ?? false);
  const stderr = capture(o.tty ?? false);
  const stdin = new FakeStdin(o.tty ?? false);
  const clock = { t: 1_700_000_000_000 };
  const abort = new AbortController();
  const ctx = createContext({
    stdout, stderr, stdin, cwd: dir, signal: abort.signal, now: () => clock.t,
    env: { PATH: process.env.PATH ?? '', OBSCURA_HOME: home, ...o.env },
  });
  return {
    ctx, stdout, stderr, stdin, home, clock, abort,
    run: (...argv) => main(argv, ctx),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
