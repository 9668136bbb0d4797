/**
 * A request body's size limit: a declared Content-Length over it is refused at once (413); a body
 * without one (chunked) is counted as it streams and cut off when it passes the limit, so the
 * function never reads more than the limit and the client gets a 413 all the same.
 */
export interface LimitedBody {
  request: Request;
  /** True once the streamed body passed the limit. */
  readonly exceeded: boolean;
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the request body is larger than ${limit} bytes`);
    this.name = "BodyTooLargeError";
  }
}

/** True when the request declares a body larger than `limit`. */
export function declaredTooLarge(request: Request, limit: number): boolean {
  const declared = request.headers.get("content-length");
  return declared !== null && Number(declared) > limit;
}

/** The request with its body counted against `limit` (unchanged when it has no body). */
export function limitBody(request: Request, limit: number): LimitedBody {
  if (!request.body) return { request, exceeded: false };
  let seen = 0;
  const state = { request, exceeded: false };
  const counted = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limit) {
          state.exceeded = true;
          controller.error(new BodyTooLargeError(limit));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
  state.request = new Request(request, { body: counted, duplex: "half" } as RequestInit);
  return state;
}
