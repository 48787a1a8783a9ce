/** Logging port. Lines never carry bodies, tokens, headers or query strings. */
export interface Logger {
  info(line: string): void;
  error(line: string, err?: unknown): void;
}

export const consoleLogger: Logger = {
  info: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
  error: (line, err) => {
    const detail = err instanceof Error ? `\n${err.stack ?? err.message}` : err === undefined ? '' : ` ${String(err)}`;
    process.stderr.write(`${new Date().toISOString()} ERROR ${line}${detail}\n`);
  },
};

/** Keeps lines in memory (tests). */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  readonly errors: string[] = [];
  info(line: string): void { this.lines.push(line); }
  error(line: string, err?: unknown): void {
    this.errors.push(err instanceof Error ? `${line}: ${err.message}` : line);
  }
}
