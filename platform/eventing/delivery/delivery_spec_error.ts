/** One problem in a delivery spec, located by its field path (e.g. `spec.delivery.backoffDelay`). */
export interface DeliverySpecIssue {
  path: string;
  reason: string;
}

/** A delivery spec failed validation; `issues` lists every problem, `path` is the first one's. */
export class DeliverySpecError extends Error {
  readonly issues: DeliverySpecIssue[];

  constructor(issues: DeliverySpecIssue[]) {
    super(issues.map((issue) => `${issue.path}: ${issue.reason}`).join("; "));
    this.name = "DeliverySpecError";
    this.issues = issues;
  }

  get path(): string {
    return this.issues[0].path;
  }

  get reason(): string {
    return this.issues[0].reason;
  }
}
