/** A revision that cannot run for a reason the user must fix: it becomes its Ready=False reason. */
export class RevisionNotRunnable extends Error {
  constructor(readonly reason: string, message: string) {
    super(message);
  }
}
