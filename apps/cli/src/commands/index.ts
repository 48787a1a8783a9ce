// The command registry. To add a command: write src/commands/NAME.ts exporting a
// Command, and list it in allCommands(). main.ts, help and option parsing pick it up.
import type { Command } from '../command.ts';
import { help } from './help.ts';
import { serve } from './serve.ts';

// [Note: registry is a function] `help` imports this module to look commands up; a
// function (not a top-level array) keeps that import cycle safe whichever file loads first.
export function allCommands(): readonly Command[] {
  return [serve, help];
}

export function findCommand(name: string): Command | undefined {
  return allCommands().find((c) => c.name === name);
}
