/**
 * Raised for any event that cannot be decoded, encoded or validated. `field` names the attribute, header or
 * body part at fault so an HTTP layer can answer 400 naming it.
 */
export class CloudEventError extends Error {
  readonly field: string;
  readonly reason: string;
  /** Position of the offending event within a batch. */
  readonly index?: number;

  constructor(field: string, reason: string, index?: number) {
    super(`${index === undefined ? "" : `[${index}].`}${field}: ${reason}`);
    this.name = "CloudEventError";
    this.field = field;
    this.reason = reason;
    this.index = index;
  }

  /** The same error, located at `index` within a batch. */
  atIndex(index: number): CloudEventError {
    return new CloudEventError(this.field, this.reason, index);
  }
}
