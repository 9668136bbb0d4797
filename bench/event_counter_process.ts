/**
 * The bench's broker subscriber, in its own process: counts the CloudEvents it receives (binary
 * mode: the `ce-id` header) and the distinct ids among them. GET answers the counts as JSON,
 * DELETE resets them. Prints "listening PORT".
 */
let received = 0;
let ids = new Set<string>();

Deno.serve(
  { port: 0, hostname: "127.0.0.1", onListen: ({ port }) => console.log(`listening ${port}`) },
  async (req) => {
    if (req.method === "GET") return Response.json({ received, distinct: ids.size });
    if (req.method === "DELETE") {
      received = 0;
      ids = new Set();
      return new Response(null, { status: 204 });
    }
    await req.body?.cancel();
    const id = req.headers.get("ce-id");
    if (id !== null) {
      received++;
      ids.add(id);
    }
    return new Response(null, { status: 202 });
  },
);
