/** The smallest function: answers every request with a greeting. */
export default {
  fetch(request: Request, ctx: { revision: string }) {
    const name = new URL(request.url).searchParams.get("name") ?? Deno.env.get("TARGET") ?? "World";
    return new Response(`Hello ${name}! (${ctx.revision})\n`);
  },
};
