/**
 * The data port's input limits as Hono middleware and a dispatch wrapper: head size (414/431),
 * requests in flight (503), and each revision's request body limit (413).
 */
import type { MiddlewareHandler } from "hono";
import { errorResponse } from "../http/error_response.ts";
import { type HeadLimits, headProblem } from "./request_head_limits.ts";
import { declaredTooLarge, limitBody } from "./body_limit.ts";

export interface DataPlaneLimits {
  head: HeadLimits;
  maxConcurrentRequests: number;
  /** The largest body the revision takes, bytes. */
  bodyLimitFor(namespace: string, revision: string): number;
}

/**
 * Refuses oversized heads, and requests beyond the in-flight cap, before any routing. Used as Hono
 * middleware and, without Hono, on the data plane's host-routed fast path; both count in one total.
 */
export class RequestGuard {
  #inFlight = 0;

  constructor(private readonly limits: DataPlaneLimits) {}

  /** The refusal for a request over the limits; undefined when it may go on (it then counts until `done`). */
  admit(request: Request): Response | undefined {
    const problem = headProblem(request, this.limits.head);
    if (problem) return errorResponse(problem.status, problem.message);
    if (this.#inFlight >= this.limits.maxConcurrentRequests) {
      const res = errorResponse(
        503,
        `more than ${this.limits.maxConcurrentRequests} requests in flight; retry`,
      );
      res.headers.set("retry-after", "1");
      return res;
    }
    this.#inFlight++;
    return undefined;
  }

  /** An admitted request was answered. */
  done() {
    this.#inFlight--;
  }

  readonly middleware: MiddlewareHandler = async (c, next) => {
    const refused = this.admit(c.req.raw);
    if (refused) return refused;
    try {
      return await next();
    } finally {
      this.done();
    }
  };
}

/** Dispatches the request with its body held to `limit`; a body over it is answered 413. */
export function dispatchWithinBodyLimit(
  request: Request,
  limit: number,
  dispatch: (request: Request) => Promise<Response>,
): Promise<Response> {
  // No body (every GET): nothing to hold, and no extra promise on the hot path.
  if (request.body === null) return dispatch(request);
  return dispatchLimited(request, limit, dispatch);
}

async function dispatchLimited(
  request: Request,
  limit: number,
  dispatch: (request: Request) => Promise<Response>,
): Promise<Response> {
  const tooLarge = () => errorResponse(413, `the request body is larger than this service's ${limit} bytes`);
  if (declaredTooLarge(request, limit)) {
    await request.body?.cancel().catch(() => {});
    return tooLarge();
  }
  if (request.headers.has("content-length")) return await dispatch(request);
  const limited = limitBody(request, limit);
  const response = await dispatch(limited.request);
  if (!limited.exceeded) return response;
  await response.body?.cancel().catch(() => {});
  return tooLarge();
}
