// Password prompts: OBSCURA_PASSWORD for scripts, otherwise a no-echo prompt on a TTY.
import type { CliContext } from './context.ts';
import { CliError, EXIT_INTERRUPTED, UsageError } from './errors.ts';

export interface PasswordPromptOptions {
  /** Text before the cursor, e.g. "Password: ". */
  prompt?: string;
  /** Ask twice and require both to match (signup, passwd). */
  confirm?: boolean;
  /** Environment variable that supplies the password non-interactively. */
  envVar?: string;
  /**
   * Checked on the first entry, before the second one is asked for (and on the variable's
   * value): returns why the password is refused, or undefined when it is fine.
   */
  check?: (password: string) => string | undefined;
}

/**
 * Returns the password from `OBSCURA_PASSWORD` (or opts.envVar) when set, else asks on
 * the terminal without echo. Refuses clearly when there is neither.
 * [Note: no echo] We put stdin in raw mode and read key by key, so the password is never
 * echoed nor kept in a readline history; the prompt and newline go to stderr so stdout
 * stays clean for --json.
 */
export async function readPassword(ctx: CliContext, opts: PasswordPromptOptions = {}): Promise<string> {
  const envVar = opts.envVar ?? 'OBSCURA_PASSWORD';
  const fromEnv = ctx.env[envVar];
  if (fromEnv !== undefined && fromEnv !== '') {
    const why = opts.check?.(fromEnv);
    if (why !== undefined) throw new CliError(why);
    return fromEnv;
  }
  if (!ctx.stdin.isTTY || typeof ctx.stdin.setRawMode !== 'function') {
    throw new CliError(`no terminal to ask for the password; set ${envVar} or run in a terminal`);
  }
  const first = await readHidden(ctx, opts.prompt ?? 'Password: ');
  if (first === '') throw new CliError('the password cannot be empty');
  const why = opts.check?.(first);
  if (why !== undefined) throw new CliError(why);
  if (opts.confirm) {
    const again = await readHidden(ctx, 'Repeat password: ');
    if (again !== first) throw new CliError('the two passwords do not match');
  }
  return first;
}

/** Is there a person at a terminal to ask? */
export const canPrompt = (ctx: CliContext): boolean => ctx.stdin.isTTY === true && typeof ctx.stdin.setRawMode === 'function';

/** Asks a yes/no question on the terminal; anything but y/yes is "no". */
export async function askYesNo(ctx: CliContext, question: string): Promise<boolean> {
  if (!canPrompt(ctx)) throw new CliError('no terminal to ask for confirmation');
  const answer = await readHidden(ctx, `${question} [y/N] `, true);
  return /^\s*y(es)?\s*$/i.test(answer);
}

/** Asks for one line of text on the terminal (shown as typed), e.g. a code from a mail. */
export async function askLine(ctx: CliContext, question: string): Promise<string> {
  if (!canPrompt(ctx)) throw new CliError('no terminal to ask');
  return (await readHidden(ctx, question, true)).trim();
}

/**
 * Confirms a destructive action: `yes` (the --yes flag) goes ahead at once; on a terminal the
 * question is asked (anything but y/yes is "no"); without a terminal it refuses with exit 2,
 * saying to add --yes. `what` names the action for that refusal, e.g. `stop sharing "X" (removes 1 person and 0 links)`.
 */
export async function confirmDestructive(ctx: CliContext, yes: boolean, question: string, what: string): Promise<boolean> {
  if (yes) return true;
  if (!canPrompt(ctx)) throw new UsageError(`${what}: there is no terminal to ask for confirmation; add --yes to go ahead`);
  return askYesNo(ctx, question);
}

function readHidden(ctx: CliContext, prompt: string, echo = false): Promise<string> {
  const { stdin, stderr } = ctx;
  stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (err: Error | null) => {
      stdin.removeListener('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done(null);
        if (ch === '\u0003') return done(new CliError('cancelled', EXIT_INTERRUPTED));
        if (ch === '\u007f' || ch === '\b') {
          if (echo && value) stderr.write('\b \b');
          value = [...value].slice(0, -1).join('');
        } else if (ch === '\u0015') value = ''; // Ctrl-U clears the line
        else if (ch >= ' ') {
          value += ch;
          if (echo) stderr.write(ch);
        }
      }
    };
    stdin.setRawMode?.(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}

/** "3 people and 1 link": who loses access, for confirmations of destructive actions. */
export function accessPhrase(people: number, links: number): string {
  return `${people} ${people === 1 ? 'person' : 'people'} and ${links} ${links === 1 ? 'link' : 'links'}`;
}
