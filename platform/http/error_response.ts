/** The platform's own answers (404, 502, 503, 504...): short plain text, never a stack trace. */
export function errorResponse(status: number, message: string): Response {
  return new Response(`${message}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "x-denative-error": "1" },
  });
}
