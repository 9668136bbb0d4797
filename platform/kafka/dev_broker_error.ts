/**
 * An expected failure of the Kafka dev broker tooling. `message` is a single line that the CLI prints
 * as the reason before exiting non-zero; `details` (e.g. the tail of a log) is printed after it.
 */
export class DevBrokerError extends Error {
  readonly details?: string;

  constructor(message: string, details?: string) {
    super(message);
    this.name = "DevBrokerError";
    this.details = details;
  }
}
