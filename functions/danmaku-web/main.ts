/**
 * The danmaku (bullet comment) site's web function.
 *
 * - `GET /` the page: comments fly across a video-like stage, with a box to send one.
 * - `POST /comments` `{"text": "...", "author"?: "..."}`: validated (1..100 characters, else 400 with
 *   the reason) and written to the comments topic (`COMMENTS_TOPIC`, default `danmaku-comments`);
 *   202 `{"id"}` once Kafka acknowledged it, 503 when Kafka cannot be reached.
 * - `GET /stream` server-sent events: every processed comment (`PROCESSED_TOPIC`, default
 *   `danmaku-processed`) as `event: comment`, and the feed's state as `event: status`.
 *
 * Every instance consumes the processed topic in a consumer group of its own, connecting on its first
 * `/stream`, so a comment reaches every open page whichever instance serves it. Kafka is only
 * contacted on demand: the function loads, and serves its page, with Kafka down.
 */
import type { FunctionModule } from "../../runtime/types.ts";
import { parseCommentInput, type RawComment } from "./comment_input.ts";
import { kafkaSettings } from "./kafka_settings.ts";
import { kafkaClient } from "./kafka_client.ts";
import { CommentProducer } from "./comment_producer.ts";
import { ProcessedFeed } from "./processed_feed.ts";
import { sseResponse } from "./sse_stream.ts";
import { pageHtml } from "./page.ts";

const settings = kafkaSettings(Deno.env.toObject());
const kafka = kafkaClient(settings, "danmaku-web");
const producer = new CommentProducer(
  kafka,
  settings.commentsTopic,
  "/apis/serving.knative.dev/v1/danmaku-web",
);
const feed = new ProcessedFeed(kafka, settings.processedTopic);
const page = pageHtml(settings);

async function postComment(request: Request): Promise<Response> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return Response.json({ error: "the body must be JSON" }, { status: 400 });
  }
  const input = parseCommentInput(body);
  if (!input.ok) return Response.json({ error: input.reason }, { status: 400 });
  const comment: RawComment = { id: crypto.randomUUID(), text: input.text, sentAt: Date.now() };
  if (input.author) comment.author = input.author;
  try {
    await producer.send(comment);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return Response.json({ error: `Kafka did not take the comment: ${reason}` }, { status: 503 });
  }
  return Response.json({ id: comment.id }, { status: 202 });
}

export default {
  fetch(request) {
    const { pathname } = new URL(request.url);
    const route = `${request.method} ${pathname}`;
    switch (route) {
      case "GET /":
        return new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } });
      case "POST /comments":
        return postComment(request);
      case "GET /stream":
        return sseResponse(feed, request.signal);
    }
    const known = ["/", "/comments", "/stream"].includes(pathname);
    return Response.json({ error: known ? `${request.method} is not allowed here` : "not found" }, {
      status: known ? 405 : 404,
    });
  },
} satisfies FunctionModule;
