/** The closed set of messages between SyncPostgres (main thread) and its worker. */

/** The NOTIFY channel on which every committed change announces its resourceVersion. */
export const CHANGE_CHANNEL = "denative_changes";

/** Header word 0 of the shared buffer: the worker sets one of these when the answer is ready. */
export const STATE_WAITING = 0;
export const STATE_DONE = 1;
/** The answer does not fit: word 1 holds its size; the caller sends a bigger buffer with `resend`. */
export const STATE_TOO_BIG = 2;

export interface ChangeWrite {
  kind: string;
  namespace: string;
  name: string;
  /** The object as JSON; the worker sets its resourceVersion. For a delete: the object deleted. */
  body: string;
  /** The stored version the write expects, null when the object must not exist yet. */
  expected: number | null;
  delete?: boolean;
}

export type SyncRequest =
  | { op: "open"; id: number; sab: SharedArrayBuffer; args: [url: string] }
  | { op: "query"; id: number; sab: SharedArrayBuffer; args: [text: string, params: unknown[]] }
  | { op: "snapshot"; id: number; sab: SharedArrayBuffer; args: [] }
  | { op: "write"; id: number; sab: SharedArrayBuffer; args: [ChangeWrite] }
  | { op: "close"; id: number; sab: SharedArrayBuffer; args: [] }
  | { op: "resend"; id: number; sab: SharedArrayBuffer };

export type WorkerNotice = { kind: "change"; payload: string } | { kind: "listening" };
