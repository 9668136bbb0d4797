/**
 * Echo: a request without a body gets back JSON describing it (method, path, query, headers);
 * a request with a body gets that body streamed straight back, with the description in
 * `x-echo-*` headers. Nothing is buffered, so it echoes uploads of any size.
 */
export default {
  fetch(request: Request) {
    const url = new URL(request.url);
    const headers = Object.fromEntries(request.headers);
    if (!request.body) {
      return Response.json({ method: request.method, path: url.pathname, query: url.search, headers });
    }
    return new Response(request.body, {
      headers: {
        "content-type": request.headers.get("content-type") ?? "application/octet-stream",
        "x-echo-method": request.method,
        "x-echo-path": url.pathname,
      },
    });
  },
};
