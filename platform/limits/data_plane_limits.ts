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

/** Refuses oversized heads, and requests beyond the in-flight cap, before any routing. */
export function requestGuard(limits: DataPlaneLimits): MiddlewareHandler {
  let inFlight = 0;
  return async (c, next) => {
    const problem = headProblem(c.req.raw, limits.head);
    if (problem) return errorResponse(problem.status, problem.message);
    if (inFlight >= limits.maxConcurrentRequests) {
      const res = errorResponse(503, `more than ${limits.maxConcurrentRequests} requests in flight; retry`);
      res.headers.set("retry-after", "1");
      return res;
    }
    inFlight++;
    try {
      return await next();
    } finally {
      inFlight--;
    }
  };
}

/** Dispatches the request with its body held to `limit`; a body over it is answered 413. */
export async function dispatchWithinBodyLimit(
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
