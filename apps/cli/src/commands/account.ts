// Account commands: signup, verify-email, login, logout, whoami, sessions, passwd, recover, fingerprint.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError, fingerprintOf, Session, UsageError as SdkUsageError, type EmailVerification } from '@obscura/sdk';
import { boolOpt, stringOpt, type Command, type CommandArgs } from '../command.ts';
import { connectOptions, describeError, forgetLocal, normalizeServer, saveState, stretching, withClient, USER_AGENT } from '../client.ts';
import { ensureSetup } from './setup.ts';
import { CliError, UsageError } from '../errors.ts';
import { formatBytes, printJson, printTable } from '../output.ts';
import { askLine, canPrompt, readPassword } from '../prompt.ts';
import { readPrivateJson, writePrivateFile, type CliContext } from '../context.ts';
import { resolvePhoto } from '../resolve.ts';
import { safe } from '../terminal-text.ts';
import { isoLocal } from './library.ts';
import { signedUpHint } from './pending.ts';

const JSON_OPT = { json: { type: 'boolean', description: 'print one JSON document on stdout (see docs/cli.md)' } } as const;
const SERVER_EMAIL = {
  server: { type: 'string', value: 'URL', description: 'the Obscura server, e.g. http://localhost:8080' },
  email: { type: 'string', value: 'E', description: 'your email address' },
} as const;

function required(args: CommandArgs, name: string, cmd: string): string {
  const v = stringOpt(args, name);
  if (!v) throw new UsageError(`${cmd} needs --${name}; see obscura ${cmd} --help`);
  return v;
}

/**
 * [Note: remembered login] The server and email of the last login (OBSCURA_HOME/login.json,
 * 0600): `logout` deletes state.json, but the next `login` may still leave out --server and
 * --email. An expired session's state.json names them too.
 */
const LOGIN_FILE = 'login.json';
const MIN_PASSWORD = 8;
/** Wrong passwords a person at a terminal may type before login gives up. */
const LOGIN_TRIES = 3;

async function rememberLogin(ctx: CliContext, session: Session): Promise<void> {
  await writePrivateFile(ctx.home, LOGIN_FILE, `${JSON.stringify({ server: session.api.baseUrl, email: session.user.email })}\n`);
}

async function lastLogin(ctx: CliContext): Promise<{ server?: string; email?: string }> {
  const state = await ctx.readState().catch(() => null);
  if (state) return { server: state.serverUrl, email: state.email };
  const saved = await readPrivateJson<{ server?: unknown; email?: unknown }>(ctx.home, LOGIN_FILE).catch(() => undefined);
  return {
    ...(typeof saved?.server === 'string' ? { server: saved.server } : {}),
    ...(typeof saved?.email === 'string' ? { email: saved.email } : {}),
  };
}

/** Runs a body that talks to the server without a stored session (signup/login/recover). */
async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw describeError(err);
  }
}

/**
 * [Note: email codes in two steps] A code proves an email address: it is mailed by the server
 * and only then can be typed, so a script cannot pass it in the same run that asks for it. On
 * a terminal, signup --verify-email / verify-email ask for the code and wait for it. Scripts run
 * two steps: `--request-code` (signup) / `--request` (verify-email) mails a code, prints the
 * verification id on stdout and remembers it in OBSCURA_HOME/email-code.json (no secret: the
 * code is the secret); the next run gives `--code CODE` (or OBSCURA_EMAIL_CODE), with the id
 * from that file or from `--verification-id ID`. The file is deleted once the code was used.
 */
const EMAIL_CODE_FILE = 'email-code.json';
interface SavedCode { server: string; email: string; verificationId: string; expiresAt: string }

async function rememberCode(ctx: CliContext, saved: SavedCode): Promise<void> {
  await writePrivateFile(ctx.home, EMAIL_CODE_FILE, `${JSON.stringify(saved)}\n`);
}

async function savedCodeId(ctx: CliContext, server: string, email: string): Promise<string | undefined> {
  const saved = await readPrivateJson<Partial<SavedCode>>(ctx.home, EMAIL_CODE_FILE).catch(() => undefined);
  if (!saved || typeof saved.verificationId !== 'string') return undefined;
  if (saved.server !== normalizeServer(server) || saved.email !== email.trim().toLowerCase()) return undefined;
  return saved.verificationId;
}

const forgetCode = (ctx: CliContext) => rm(join(ctx.home, EMAIL_CODE_FILE), { force: true });

/** The code given for step 2 (--code, else OBSCURA_EMAIL_CODE), or undefined. */
const givenCode = (ctx: CliContext, args: CommandArgs): string | undefined => stringOpt(args, 'code') ?? (ctx.env.OBSCURA_EMAIL_CODE || undefined);

/** The verification to send with step 2: the code, and the id from --verification-id or the saved request. */
async function stepTwo(ctx: CliContext, args: CommandArgs, code: string, server: string, email: string, requestHow: string): Promise<EmailVerification> {
  const verificationId = stringOpt(args, 'verification-id') ?? (await savedCodeId(ctx, server, email));
  if (!verificationId) {
    throw new UsageError(`--code goes with the request that mailed it: run ${requestHow} first (it remembers the request here), or give --verification-id ID`);
  }
  return { verificationId, code };
}

/** Step 1 for scripts: the verification id alone on stdout, what to do next on stderr. */
async function printRequested(ctx: CliContext, r: { verificationId: string; expiresAt: string }, email: string, next: string): Promise<void> {
  ctx.stdout.write(`${r.verificationId}\n`);
  ctx.stderr.write(safe`mailed a code to ${email} (good until ${isoLocal(Date.parse(r.expiresAt))}); then: ${next} --code CODE\n`);
}

const CODE_OPTIONS = {
  code: { type: 'string', value: 'CODE', description: 'the code from the mail (or OBSCURA_EMAIL_CODE); scripts, step 2' },
  'verification-id': { type: 'string', value: 'ID', description: 'with --code: the id step 1 printed (default: the one it saved here)' },
} as const;

/**
 * On a terminal: asks for the mailed code and runs `use` with it; a mistyped one (malformed, or
 * wrong with tries left, in the server's words) is asked for again; anything else is thrown.
 */
async function withTypedCode<T>(ctx: CliContext, verificationId: string, use: (v: EmailVerification) => Promise<T>): Promise<T> {
  for (;;) {
    const code = await askLine(ctx, 'Code from the mail: ');
    try {
      return await use({ verificationId, code });
    } catch (e) {
      const mistyped = (e instanceof ApiError && e.status === 400 && /^the code is wrong; \d+ tr(y|ies) left/.test(e.message)) ||
        (e instanceof SdkUsageError && /^the code is /.test(e.message));
      if (!mistyped) throw e;
      ctx.stderr.write(safe`${e.message}; type it again (Ctrl-C stops)\n`);
    }
  }
}

const waitingPhrase = (n: number) => (n === 1 ? '1 invitation is' : `${n} invitations are`);

export const signup: Command = {
  name: 'signup',
  summary: 'Create an account on a server, and log in.',
  usage: 'obscura signup --server URL --email E [--name NAME] [--verify-email | --request-code | --code CODE [--verification-id ID]]   # password: prompt, or OBSCURA_PASSWORD',
  description: [
    'The password is asked twice (or taken from OBSCURA_PASSWORD). The recovery key is printed ONCE:',
    'write it down; it is the only way back in if you forget the password (obscura recover).',
    '',
    'Confirming the email: a code mailed to it proves the address. It is needed to receive invitations sent to',
    'that email before the account existed, and some servers require it for every sign-up. On a terminal the',
    'code is asked for when the server requires it or with --verify-email. Scripts confirm in two steps:',
    '  obscura signup --server URL --email E --request-code      mails the code, prints a verification id',
    '  obscura signup --server URL --email E --code 12345678     creates the account (the id is remembered here)',
    'Without it, confirm the email later with obscura verify-email.',
  ].join('\n'),
  options: {
    ...SERVER_EMAIL,
    name: { type: 'string', value: 'NAME', description: 'the name others see on your photos (default: the part of the email before @)' },
    'verify-email': { type: 'boolean', description: 'confirm the email with a mailed code, asked for on the terminal' },
    'request-code': { type: 'boolean', description: 'scripts, step 1: mail a code, print the verification id; creates nothing' },
    ...CODE_OPTIONS,
  },
  async run(ctx, args) {
    const server = required(args, 'server', 'signup');
    const email = required(args, 'email', 'signup');
    const displayName = stringOpt(args, 'name') ?? email.split('@')[0] ?? email;
    const code = givenCode(ctx, args);
    const ask = boolOpt(args, 'verify-email');
    // no key stretching (nor its test-only warning) until a password is used
    const connect = { server: normalizeServer(server), userAgent: USER_AGENT };
    if (boolOpt(args, 'request-code')) {
      if (stringOpt(args, 'code') !== undefined || ask) throw new UsageError('--request-code only mails the code: give --code CODE in the next run');
      const r = await mapped(() => Session.requestEmailCode({ ...connect, email }));
      await rememberCode(ctx, { server: connect.server, email: email.trim().toLowerCase(), ...r });
      await printRequested(ctx, r, email, safe`obscura signup --server ${connect.server} --email ${email}`);
      return;
    }
    if (code !== undefined && ask) throw new UsageError('use either --verify-email (asks for the code) or --code CODE');
    const verification = code !== undefined ? await stepTwo(ctx, args, code, connect.server, email, 'obscura signup --request-code') : undefined;
    let interactive = false;
    if (!verification) {
      const required = (await mapped(() => Session.serverInfo(connect))).emailVerification === 'required';
      interactive = ask || required;
      if (interactive && !canPrompt(ctx)) {
        throw new UsageError(`${required ? 'this server asks new accounts to confirm their email with a mailed code' : '--verify-email asks for the mailed code'}, ` +
          `and there is no terminal to ask: run obscura signup --server ${connect.server} --email ${email} --request-code, then the same with --code CODE`);
      }
    }
    const password = await readPassword(ctx, {
      prompt: 'New password: ', confirm: true,
      check: (p) => (p.length < MIN_PASSWORD ? `the password must have at least ${MIN_PASSWORD} characters` : undefined),
    });
    const options = connectOptions(ctx, server);
    const create = (v: EmailVerification | undefined) => Session.signup({ ...options, email, password, displayName, ...(v ? { emailVerification: v } : {}) });
    let created: Awaited<ReturnType<typeof create>>;
    if (interactive) {
      const r = await mapped(() => Session.requestEmailCode({ ...connect, email }));
      ctx.stderr.write(safe`We mailed a code to ${email} to confirm it (good until ${isoLocal(Date.parse(r.expiresAt))}).\n`);
      created = await mapped(() => withTypedCode(ctx, r.verificationId, create));
    } else {
      created = await mapped(() => create(verification));
    }
    const { session, recoveryKey } = created;
    const confirmed = verification !== undefined || interactive;
    if (verification) await forgetCode(ctx);
    await forgetLocal(ctx, (await ctx.readState().catch(() => null))?.userId);
    await saveState(ctx, session);
    await rememberLogin(ctx, session);
    ctx.stdout.write([
      safe`Signed up and logged in as ${session.user.displayName} <${session.user.email}> on ${session.api.baseUrl}`,
      '',
      `Recovery key: ${recoveryKey}`,
      'WRITE THIS DOWN and keep it somewhere safe: it is shown only this once, and it is the only way',
      'back into your photos if you forget your password (obscura recover).',
      '',
      `Your fingerprint: ${await session.fingerprint()}`,
      '',
    ].join('\n'));
    if (!confirmed) {
      ctx.stdout.write('If someone invited you, run obscura verify-email to receive their invitation.\n');
      return;
    }
    const waiting = await withClient(ctx, (c) => c.albums.waitingInvitations()).catch(() => []);
    ctx.stdout.write(waiting.length === 0
      ? 'Your email is confirmed.\n'
      : `Your email is confirmed; ${waitingPhrase(waiting.length)} waiting for the sharer to finish sharing (obscura invitations).\n`);
  },
};

export const verifyEmail: Command = {
  name: 'verify-email',
  summary: "Confirm your email with a mailed code: invitations sent to it before you had an account become yours.",
  usage: 'obscura verify-email [--request | --code CODE [--verification-id ID]]',
  description: [
    'On a terminal: mails a code to your email and asks for it. Scripts, in two steps:',
    '  obscura verify-email --request          mails the code, prints a verification id (remembered here)',
    '  obscura verify-email --code 12345678    confirms the email',
    'Invitations that people sent to your email before you had an account then wait for their app to finish',
    'sharing (obscura invitations shows them); it checks your new key, so compare your fingerprint with theirs.',
  ].join('\n'),
  options: {
    request: { type: 'boolean', description: 'scripts, step 1: mail a code, print the verification id' },
    ...CODE_OPTIONS,
  },
  async run(ctx, args) {
    const code = givenCode(ctx, args);
    const request = boolOpt(args, 'request');
    if (request && code !== undefined) throw new UsageError('--request only mails the code: give --code CODE in the next run');
    return withClient(ctx, async (c) => {
      const server = c.session.api.baseUrl;
      const email = c.session.user.email;
      if (request) {
        const r = await c.session.requestEmailCode();
        await rememberCode(ctx, { server: normalizeServer(server), email: email.trim().toLowerCase(), ...r });
        await printRequested(ctx, r, email, 'obscura verify-email');
        return;
      }
      const verification = code !== undefined ? await stepTwo(ctx, args, code, server, email, 'obscura verify-email --request') : undefined;
      if (!verification) {
        if ((await c.session.me()).emailVerified === true) {
          ctx.stdout.write(safe`${email} is already confirmed.\n`);
          return;
        }
        if (!canPrompt(ctx)) {
          throw new UsageError('there is no terminal to ask for the mailed code: run obscura verify-email --request, then obscura verify-email --code CODE');
        }
      }
      let n: number;
      if (verification) n = (await c.session.verifyEmail(verification)).claimedInvitations;
      else {
        const r = await c.session.requestEmailCode();
        ctx.stderr.write(safe`We mailed a code to ${email} (good until ${isoLocal(Date.parse(r.expiresAt))}).\n`);
        n = (await withTypedCode(ctx, r.verificationId, (v) => c.session.verifyEmail(v))).claimedInvitations;
      }
      await forgetCode(ctx);
      ctx.stdout.write(n === 0
        ? 'email confirmed; no invitations were waiting for it\n'
        : `email confirmed; ${n === 1 ? '1 invitation is' : `${n} invitations are`} now yours; ${n === 1 ? 'it waits' : 'they wait'} for the sharer to finish sharing (obscura invitations)\n`);
    });
  },
};

export const login: Command = {
  name: 'login',
  summary: 'Log in to an account (the password never leaves this computer in a usable form).',
  usage: 'obscura login  [--server URL --email E]   # default: the last login here',
  description: 'The password is asked for (or taken from OBSCURA_PASSWORD); on a terminal a wrong one may be typed again\n' +
    `(${LOGIN_TRIES} tries). --server and --email default to those of the last login on this computer (also after logout\n` +
    'or when the session has ended).',
  options: { ...SERVER_EMAIL },
  async run(ctx, args) {
    const last = await lastLogin(ctx);
    const server = stringOpt(args, 'server') ?? last.server;
    if (!server) throw new UsageError('login needs --server (there is no earlier login here to take it from); see obscura login --help');
    const sameServer = last.server !== undefined && normalizeServer(server) === normalizeServer(last.server);
    const email = stringOpt(args, 'email') ?? (sameServer ? last.email : undefined);
    if (!email) throw new UsageError('login needs --email; see obscura login --help');
    const fromEnv = !!ctx.env.OBSCURA_PASSWORD;
    const tries = !fromEnv && canPrompt(ctx) ? LOGIN_TRIES : 1;
    const connect = connectOptions(ctx, server);
    let session: Session | undefined;
    for (let attempt = 1; !session; attempt++) {
      const password = await readPassword(ctx);
      try {
        session = await Session.login({ ...connect, email, password });
      } catch (err) {
        if (!(err instanceof ApiError) || err.status !== 401) throw describeError(err);
        if (attempt < tries) {
          ctx.stderr.write(safe`${err.message}; try again (${tries - attempt} ${tries - attempt === 1 ? 'try' : 'tries'} left)\n`);
          continue;
        }
        throw new CliError(safe`${err.message}; forgot it? obscura recover --server ${connect.server} --email ${email}`);
      }
    }
    const previous = await ctx.readState().catch(() => null);
    if (previous && previous.userId !== session.user.id) await forgetLocal(ctx, previous.userId);
    await saveState(ctx, session);
    await rememberLogin(ctx, session);
    ctx.stdout.write(safe`Logged in as ${session.user.displayName} <${session.user.email}> on ${session.api.baseUrl}\n`);
    // A newer client brings an account that is behind up to date right away ([Note: one-time setup]).
    await withClient(ctx, async (c) => {
      await ensureSetup(ctx, c, 'login');
      // one cheap request: people who signed up after being invited wait for this client (obscura pending)
      const signedUp = await c.session.api.call('listExternalInvitations').then((r) => r.invitations.filter((x) => x.status === 'signed-up').length, () => 0);
      signedUpHint(ctx, signedUp);
    });
  },
};

export const logout: Command = {
  name: 'logout',
  summary: 'End this session on the server and forget it here.',
  usage: 'obscura logout',
  options: {},
  async run(ctx) {
    const state = await ctx.readState().catch(() => null);
    if (!state) {
      await ctx.clearState();
      ctx.stdout.write('Not logged in.\n');
      return;
    }
    try {
      const session = await Session.restore(state.session, { userAgent: USER_AGENT });
      await session.logout();
    } catch (err) {
      const e = describeError(err, { sessionBased: true });
      ctx.stderr.write(safe`obscura: warning: the server did not confirm the logout (${(e as Error).message}); forgetting the session here anyway\n`);
    }
    await forgetLocal(ctx, state.userId);
    ctx.stdout.write(safe`Logged out ${state.email}.\n`);
  },
};

export const whoami: Command = {
  name: 'whoami',
  summary: 'Who is logged in: email, name, server, storage used (and for what) and quota, fingerprint.',
  usage: 'obscura whoami [--json]',
  options: { ...JSON_OPT },
  run: (ctx, args) => withClient(ctx, async (c) => {
    const me = await c.session.me();
    const fp = await c.session.fingerprint();
    if (boolOpt(args, 'json')) {
      printJson(ctx.stdout, {
        email: me.user.email, name: me.user.displayName, userId: me.user.id, server: c.session.api.baseUrl,
        storage: { usedBytes: me.storage.usedBytes, quotaBytes: me.storage.quotaBytes, ...(me.charges ?? {}) }, fingerprint: fp,
      });
      return;
    }
    const pct = me.storage.quotaBytes > 0 ? ` (${((me.storage.usedBytes / me.storage.quotaBytes) * 100).toFixed(1)}%)` : '';
    // What the used bytes pay for (servers before the one-payer rule do not say).
    const charges = me.charges ? [`              ${[
      `${formatBytes(me.charges.ownPhotosBytes)} my photos`,
      `${formatBytes(me.charges.editorsPhotosBytes)} editors' photos in my albums`,
      ...(me.charges.pendingUploadsBytes > 0 ? [`${formatBytes(me.charges.pendingUploadsBytes)} unfinished uploads`] : []),
    ].join(', ')}`] : [];
    ctx.stdout.write([
      safe`email:        ${me.user.email}`,
      safe`name:         ${me.user.displayName}`,
      safe`server:       ${c.session.api.baseUrl}`,
      `storage:      ${formatBytes(me.storage.usedBytes)} of ${formatBytes(me.storage.quotaBytes)} used${pct}`,
      ...charges,
      `fingerprint:  ${fp}`,
      '',
    ].join('\n'));
  }),
};

export const sessions: Command = {
  name: 'sessions',
  summary: 'List the active sessions of your account, or end one (a lost laptop) or all the others.',
  usage: 'obscura sessions [--json] | sessions end ID | sessions end --others',
  description: 'ID is a session id or a unique prefix of it (6+ characters), as listed. "end --others" ends every session but\n' +
    'this one; to end this one, run obscura logout. An ended session\'s next command says the session has ended.',
  options: { others: { type: 'boolean', description: 'sessions end: end every session but this one' }, ...JSON_OPT },
  positionals: { name: 'end ID', min: 0, max: 2 },
  async run(ctx, args) {
    const [sub, id] = args.positionals;
    const others = boolOpt(args, 'others');
    if (sub === undefined) {
      if (others) throw new UsageError('--others is for obscura sessions end --others');
      return listSessions(ctx, boolOpt(args, 'json'));
    }
    if (sub !== 'end') throw new UsageError(`unknown sessions subcommand ${sub}; usage: obscura sessions [--json] | sessions end ID | sessions end --others`);
    if (boolOpt(args, 'json')) throw new UsageError('--json is for the list: obscura sessions --json');
    if (others === (id !== undefined)) throw new UsageError('usage: obscura sessions end ID | sessions end --others');
    return withClient(ctx, async (c) => {
      const { sessions: list } = await c.session.sessions();
      let targets = list.filter((s) => !s.current);
      if (!others) {
        const chosen = resolvePhoto(id!, list.map((s) => ({ id: s.id, ...(s.userAgent ? { label: s.userAgent } : {}) })), { what: 'session' });
        const target = list.find((s) => s.id === chosen)!;
        if (target.current) throw new CliError('that is this session; to end it run obscura logout');
        targets = [target];
      }
      if (targets.length === 0) {
        ctx.stdout.write('No other sessions.\n');
        return;
      }
      for (const t of targets) {
        await c.session.revokeSession(t.id);
        ctx.stdout.write(safe`ended session ${t.id} (${t.userAgent ?? 'unknown client'}, last seen ${t.lastSeenAt})\n`);
      }
    });
  },
};

function listSessions(ctx: CliContext, json: boolean): Promise<void> {
  return withClient(ctx, async (c) => {
    const { sessions: list } = await c.session.sessions();
    if (json) {
      printJson(ctx.stdout, { sessions: list.map((s) => ({ id: s.id, current: s.current, createdAt: s.createdAt, lastSeenAt: s.lastSeenAt, expiresAt: s.expiresAt, userAgent: s.userAgent })) });
      return;
    }
    printTable(ctx.stdout, [
      { header: '', value: (s: (typeof list)[number]) => (s.current ? '*' : '') },
      { header: 'ID', value: (s) => s.id },
      { header: 'CREATED', value: (s) => s.createdAt },
      { header: 'LAST SEEN', value: (s) => s.lastSeenAt },
      { header: 'CLIENT', value: (s) => s.userAgent ?? '-' },
    ], list);
  });
}

export const passwd: Command = {
  name: 'passwd',
  summary: 'Change your password (your keys and photos stay the same); your other sessions end.',
  usage: 'obscura passwd',
  description: 'The current password is asked first (or taken from OBSCURA_PASSWORD): a session alone cannot change\n' +
    'the password. The new one is asked twice (or taken from OBSCURA_NEW_PASSWORD).',
  options: {},
  async run(ctx) {
    const state = await ctx.readState();
    if (!state) throw new CliError('not logged in; run obscura login --server URL --email E');
    const current = await readPassword(ctx, { prompt: 'Current password: ' });
    const password = await readPassword(ctx, { prompt: 'New password: ', confirm: true, envVar: 'OBSCURA_NEW_PASSWORD' });
    await withClient(ctx, async (c) => {
      await c.session.changePassword(current, password);
      ctx.stdout.write('Password changed. Your other sessions were logged out; this one stays logged in.\n');
    }, stretching(ctx));
  },
};

export const recover: Command = {
  name: 'recover',
  summary: 'Set a new password with your recovery key, and log in. Every other session ends.',
  usage: 'obscura recover --server URL --email E',
  description: 'The recovery key is asked for (or taken from OBSCURA_RECOVERY_KEY); the new password is asked twice\n(or taken from OBSCURA_NEW_PASSWORD).',
  options: { ...SERVER_EMAIL },
  async run(ctx, args) {
    const server = required(args, 'server', 'recover');
    const email = required(args, 'email', 'recover');
    const recoveryKey = (await readPassword(ctx, { prompt: 'Recovery key: ', envVar: 'OBSCURA_RECOVERY_KEY' })).trim();
    const newPassword = await readPassword(ctx, { prompt: 'New password: ', confirm: true, envVar: 'OBSCURA_NEW_PASSWORD' });
    const session = await mapped(() => Session.recover({ ...connectOptions(ctx, server), email, recoveryKey, newPassword }));
    const previous = await ctx.readState().catch(() => null);
    await forgetLocal(ctx, previous?.userId);
    await saveState(ctx, session);
    ctx.stdout.write(safe`Password reset. Logged in as ${session.user.displayName} <${session.user.email}> on ${session.api.baseUrl}; every other session was logged out.\n`);
  },
};

export const fingerprint: Command = {
  name: 'fingerprint',
  summary: "Show your key fingerprint, or someone's (compare it with them in person or by phone).",
  usage: 'obscura fingerprint [EMAIL]',
  description: "With EMAIL: the fingerprint of the keys the server lists for that person. If you pinned different keys\n" +
    'for them earlier (shared an album with them), or their email now belongs to another account, or their\n' +
    'account now shows another email, a loud warning says so and the exit code is 1. After comparing\n' +
    'fingerprints with the person, --accept pins what the server lists now.',
  options: { accept: { type: 'boolean', description: 'pin the keys the server lists for EMAIL now (only after comparing fingerprints with the person)' } },
  positionals: { name: 'EMAIL', min: 0, max: 1 },
  run: (ctx, args) => withClient(ctx, async (c) => {
    const email = args.positionals[0];
    const accept = boolOpt(args, 'accept');
    if (email === undefined && accept) throw new UsageError('fingerprint --accept needs the EMAIL of the person whose keys you compared');
    if (email === undefined || email.trim().toLowerCase() === c.session.user.email.trim().toLowerCase()) {
      if (accept) throw new UsageError('your own keys come from your account, not from the server; there is nothing to accept');
      ctx.stdout.write(safe`${c.session.user.email}  ${await c.session.fingerprint()}\n`);
      return;
    }
    const { users } = await c.session.api.call('usersLookup', { body: { emails: [email] } });
    const u = users.find((x) => x.email.trim().toLowerCase() === email.trim().toLowerCase());
    if (!u) throw new CliError(`no Obscura account for ${email}`);
    const fp = await fingerprintOf(u);
    // [Note: pins by email] statusOf compares the id, the email and the keys (see KeyPins):
    // a known email now on another account is as loud as changed keys.
    const st = c.pins.statusOf(u);
    ctx.stdout.write(safe`${u.email}  ${fp}${st.status === 'unpinned' && !accept ? '  (not pinned yet: compare it with them)' : ''}\n`);
    if (accept) {
      c.pins.accept(u);
      ctx.stdout.write(safe`Pinned these keys for ${u.displayName} <${u.email}>${st.status === 'changed' ? ', replacing what you pinned before' : ''}.\n`);
      return;
    }
    if (st.status === 'changed') {
      const was = st.pinned.x25519 ? await fingerprintOf({ x25519PublicKeyB64: st.pinned.x25519, ed25519PublicKeyB64: st.pinned.ed25519 }) : '(unknown)';
      throw new CliError(`WARNING: ${st.error.what} (pinned fingerprint: ${was}); compare fingerprints with them in person or by phone before sharing anything, ` +
        `and only if the new one matches run: obscura fingerprint ${u.email} --accept`);
    }
  }),
};
