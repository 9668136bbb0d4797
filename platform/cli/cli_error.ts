/** A failure the user should read as one line: `dn: <message>` on stderr and a non-zero exit status. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = "CliError";
  }
}

/** A command line that does not make sense (unknown flag, missing argument): exit status 2, as kn. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = "UsageError";
  }
}

/** Folds a multi-line message (a boot error with a stack, say) into the one line `dn` prints. */
export function oneLine(message: string): string {
  return message.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).join(" ");
}
