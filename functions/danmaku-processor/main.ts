/**
 * The danmaku site's processor. A KafkaSource delivers each raw comment as a CloudEvent (binary mode,
 * the comment JSON as data); the processor tidies it, masks banned words, gives it a lane, a colour
 * and a speed, and sends it on with `sendEvent` to `K_SINK`, which a SinkBinding points at a
 * KafkaSink for the processed topic. It answers 202 only once the sink took the event, so a comment
 * the sink refused is retried by the source.
 *
 * Each comment costs 20-50 ms of (simulated) work, so a burst of comments keeps many in flight and
 * the processor scales out with the flow (see `service.yaml`).
 */
import { cloudEvent, sendEvent } from "denative/cloud_event.ts";
import { parseRawComment, processComment, workMs } from "./process_comment.ts";

/** The CloudEvent type of a processed comment. */
export const PROCESSED_EVENT_TYPE = "dev.denative.danmaku.processed";

export default cloudEvent(async (event, ctx) => {
  const parsed = parseRawComment(event.data);
  if ("error" in parsed) {
    return new Response(`event ${event.id} is not a comment: ${parsed.error}\n`, { status: 400 });
  }
  await new Promise((resolve) => setTimeout(resolve, workMs(parsed.comment.text)));
  const processed = processComment(parsed.comment, ctx.revision ?? "danmaku-processor", Date.now());
  await sendEvent({
    id: processed.id,
    type: PROCESSED_EVENT_TYPE,
    source: `/apis/serving.knative.dev/v1/namespaces/${ctx.namespace}/services/${ctx.service}`,
    subject: processed.id,
    datacontenttype: "application/json",
    data: processed,
  }, { signal: ctx.request.signal });
  return undefined; // 202: the comment went on to the sink
});
