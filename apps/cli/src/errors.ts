// Errors the CLI knows how to print: one line, a fixed exit code.

/** A failure the user can act on; printed as "obscura: <message>", exit 1. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Wrong command line (unknown command/option, missing argument); exit 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** Interrupted by the user (Ctrl-C), as shells report SIGINT. */
export const EXIT_INTERRUPTED = 130;
