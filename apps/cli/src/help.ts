// Help texts. The command list is part of the product (docs and scripts cite it):
// change it only together with the commands themselves.
import { GLOBAL_OPTIONS, type Command, type OptionSpec } from './command.ts';

/** Every product command, in the order users meet them, with its synopsis line. */
export const COMMAND_LINES: readonly { names: readonly string[]; line: string }[] = [
  { names: ['serve'], line: 'obscura serve' },
  { names: ['signup'], line: 'obscura signup --server URL --email E [--name NAME]   # password: prompt, or OBSCURA_PASSWORD' },
  { names: ['login'], line: 'obscura login  --server URL --email E' },
  { names: ['logout', 'whoami', 'sessions'], line: 'obscura logout | whoami | sessions' },
  { names: ['passwd'], line: 'obscura passwd' },
  { names: ['recover'], line: 'obscura recover --server URL --email E' },
  { names: ['upload'], line: 'obscura upload PATH...' },
  { names: ['backup'], line: 'obscura backup DIR' },
  { names: ['photos'], line: 'obscura photos [--json]' },
  { names: ['download'], line: 'obscura download ID... [-o DIR]' },
  { names: ['trash', 'restore', 'delete'], line: 'obscura trash ID... | restore ID... | delete ID...' },
];

export const PRODUCT_COMMANDS: readonly string[] = COMMAND_LINES.flatMap((c) => c.names);

export function mainHelp(): string {
  return [
    'Obscura: end-to-end encrypted photo and video library',
    '',
    'usage:',
    ...COMMAND_LINES.map((c) => `  ${c.line}`),
    '',
    'Run "obscura help COMMAND" or "obscura COMMAND --help" for details.',
    'Every command accepts -h/--help and -q/--quiet.',
    '',
    'environment:',
    '  OBSCURA_HOME       where login state is kept (default ~/.config/obscura)',
    '  OBSCURA_PASSWORD   password for signup/login/passwd without a prompt',
    '  OBSCURA_DEBUG=1    print stack traces of unexpected errors',
    '',
  ].join('\n');
}

function optionLine(name: string, o: OptionSpec): [string, string] {
  const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
  return [flag, o.description + (o.multiple ? ' (repeatable)' : '')];
}

export function commandHelp(cmd: Command): string {
  const opts = Object.entries({ ...cmd.options, ...GLOBAL_OPTIONS }).map(([n, o]) => optionLine(n, o));
  const width = Math.max(...opts.map(([f]) => f.length));
  return [
    `usage: ${cmd.usage}`,
    '',
    cmd.summary,
    ...(cmd.description ? ['', cmd.description] : []),
    '',
    'options:',
    ...opts.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`),
    '',
  ].join('\n');
}

/** Help for a product command whose implementation is not registered in this build. */
export function plannedHelp(name: string): string | undefined {
  const entry = COMMAND_LINES.find((c) => c.names.includes(name));
  return entry && `usage: ${entry.line}\n\n(not available in this build yet)\n`;
}
