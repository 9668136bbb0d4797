/** The error classes of CESQL v1 (section 3.3), named as the conformance suite (TCK) names them. */
export type CesqlErrorKind =
  | "parse"
  | "math"
  | "cast"
  | "missingAttribute"
  | "missingFunction"
  | "functionEvaluation"
  | "generic";

/** An error raised while compiling or evaluating a CESQL expression. */
export class CesqlError extends Error {
  readonly kind: CesqlErrorKind;
  /** Offset (0-based, in UTF-16 code units) in the expression text of the part at fault, when known. */
  readonly position?: number;

  constructor(kind: CesqlErrorKind, message: string, position?: number) {
    super(position === undefined ? message : `${message} (at position ${position})`);
    this.name = "CesqlError";
    this.kind = kind;
    this.position = position;
  }
}

/** Thrown by `compile` when the expression text is not valid CESQL. */
export class CesqlParseError extends CesqlError {
  declare readonly position: number;

  constructor(message: string, position: number) {
    super("parse", message, position);
    this.name = "CesqlParseError";
  }
}
