// obscura version [--json] (also obscura --version / -V): the CLI, protocol and node versions.
import { readFileSync } from 'node:fs';
import { PROTOCOL_VERSION } from '@obscura/protocol';
import { boolOpt, type Command } from '../command.ts';
import { printJson } from '../output.ts';

/** What `obscura --version` reports: the CLI package version, the protocol version, node, the platform. */
export function versionInfo(): { cli: string; protocol: number; node: string; platform: string } {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return { cli: typeof pkg.version === 'string' ? pkg.version : 'unknown', protocol: PROTOCOL_VERSION, node: process.version, platform: `${process.platform} ${process.arch}` };
}

/** "obscura X.Y.Z (protocol N, node vA.B.C, linux x64)": one line; the CLI version is the second word. */
export function versionLine(): string {
  const v = versionInfo();
  return `obscura ${v.cli} (protocol ${v.protocol}, node ${v.node}, ${v.platform})\n`;
}

export const version: Command = {
  name: 'version',
  summary: 'Print the version of obscura, of the protocol it speaks, and of node (same as obscura --version).',
  usage: 'obscura version [--json]',
  description: 'One line: "obscura X.Y.Z (protocol N, node vA.B.C, PLATFORM ARCH)"; --json: { "cli", "protocol", "node", "platform" }.\n\nexamples:\n  obscura version\n  obscura --version --json',
  options: { json: { type: 'boolean', description: 'print one JSON document on stdout' } },
  async run(ctx, args) {
    if (boolOpt(args, 'json')) printJson(ctx.stdout, versionInfo());
    else ctx.stdout.write(versionLine());
  },
};
