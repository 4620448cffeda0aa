/**
 * Errors the CLI reports as a message and an exit code, never as a stack trace.
 * Anything else that escapes a command is a bug and is shown with its stack.
 */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = 2) {
    super(message);
    this.name = "CliError";
  }
}

/** Bad flags, missing arguments, unreadable or invalid input: exit 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = "UsageError";
  }
}
