/** A Kubernetes `Status` object, the shape kubectl and kn print errors from. */
export function statusBody(
  code: number,
  reason: string,
  message: string,
  extra: Record<string, unknown> = {},
): Response {
  return Response.json({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: code < 400 ? "Success" : "Failure",
    message,
    reason,
    code,
    ...extra,
  }, { status: code });
}
