// obscura help [COMMAND]
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { commandHelp, mainHelp } from '../help.ts';
import { findCommand } from './index.ts';

export const help: Command = {
  name: 'help',
  summary: 'Show the list of commands, or the usage of one command.',
  usage: 'obscura help [COMMAND]',
  options: {},
  positionals: { name: 'COMMAND', min: 0, max: 1 },
  async run(ctx, args) {
    const name = args.positionals[0];
    if (name === undefined) {
      ctx.stdout.write(mainHelp());
      return 0;
    }
    const cmd = findCommand(name);
    if (!cmd) throw new UsageError(`unknown command ${name}; see obscura --help`);
    ctx.stdout.write(commandHelp(cmd));
    return 0;
  },
};
