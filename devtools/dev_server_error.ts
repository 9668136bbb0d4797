/**
 * An expected failure of a development server tool (`kafka:up`, `zipkin:up`, ...). `message` is a single line
 * that the CLI prints as the reason before exiting non-zero; `details` (e.g. the tail of a log) follows it.
 */
export class DevServerError extends Error {
  readonly details?: string;

  constructor(message: string, details?: string) {
    super(message);
    this.name = "DevServerError";
    this.details = details;
  }
}
