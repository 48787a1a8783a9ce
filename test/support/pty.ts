// Runs `obscura` on a pseudo-terminal (util-linux `script`), so the CLI sees a person at a
// terminal: stdin.isTTY, raw mode for prompts. Answers are typed one prompt at a time: a
// step waits until the output (stdout and stderr share the terminal) shows its `expect`,
// then types `send`. Typing everything at once would not do: a prompt reads one line and
// drops what follows in the same chunk.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const repoRoot = new URL('../..', import.meta.url).pathname;
const cliMain = join(repoRoot, 'apps/cli/src/main.ts');

export interface PtyStep {
  /** Text (or pattern) to wait for in the output since the previous step. */
  expect: string | RegExp;
  /** What to type then, e.g. "y\r" or "secret\r". */
  send: string;
}

export interface PtyResult {
  code: number;
  /** Everything the terminal showed, "\r\n" turned into "\n". */
  output: string;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs `obscura ARGS` on a pseudo-terminal with `env` added, typing `steps` as their prompts appear. */
export function runOnPty(args: readonly string[], env: Record<string, string | undefined>, steps: readonly PtyStep[] = [], timeoutMs = 60_000): Promise<PtyResult> {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) childEnv[k] = v;
  const command = [process.execPath, '--import', 'tsx', cliMain, ...args].map(shellQuote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: repoRoot, env: { ...childEnv, SHELL: '/bin/sh' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let seen = 0; // output before this index was matched by earlier steps
    let next = 0;
    let typing = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`obscura ${args.join(' ')} on a terminal timed out; waiting for ${String(steps[next]?.expect)}; output so far:\n${output}`));
    }, timeoutMs);
    const advance = () => {
      const step = steps[next];
      if (!step || typing) return;
      const rest = output.slice(seen);
      const at = typeof step.expect === 'string'
        ? (rest.includes(step.expect) ? rest.indexOf(step.expect) + step.expect.length : -1)
        : (() => { const m = step.expect.exec(rest); return m ? m.index + m[0].length : -1; })();
      if (at < 0) return;
      seen += at;
      next++;
      typing = true;
      // A moment for the prompt to put the terminal in raw mode after writing itself.
      setTimeout(() => {
        typing = false;
        child.stdin.write(step.send);
        advance();
      }, 150);
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      output += d.replace(/\r\n/g, '\n');
      advance();
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { output += d; });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code: code ?? -1, output });
    });
  });
}
