// The shape of one CLI command. Adding a command = one file in src/commands/
// exporting a Command, plus one line in src/commands/index.ts.
import type { CliContext } from './context.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Placeholder shown in help, e.g. "URL" for --server URL. */
  value?: string;
  description: string;
}

export interface CommandArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Synopsis, e.g. "obscura download ID... [-o DIR]". */
  usage: string;
  /** Optional paragraph(s) for `obscura help NAME`. */
  description?: string;
  options: Record<string, OptionSpec>;
  /** Positional arguments accepted (default: none). */
  positionals?: { name: string; min: number; max: number };
  /** Returns the exit code (undefined = 0). Throw CliError/UsageError for failures. */
  run(ctx: CliContext, args: CommandArgs): Promise<number | void>;
}

/** Options every command accepts. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h', description: 'show help for this command' },
  quiet: { type: 'boolean', short: 'q', description: 'no progress output' },
};

export const stringOpt = (args: CommandArgs, name: string): string | undefined => {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
};
export const boolOpt = (args: CommandArgs, name: string): boolean => args.values[name] === true;
