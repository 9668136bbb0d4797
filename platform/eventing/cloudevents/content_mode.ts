import { mediaTypeEssence } from "./media_type.ts";
import { JSON_BATCH_FORMAT, JSON_EVENT_FORMAT } from "./json_format.ts";

/** How a message carries an event: attributes in headers, the JSON event format, or a JSON batch. */
export type ContentMode = "binary" | "structured" | "batch";

/**
 * The content mode a `Content-Type` announces. A CloudEvents media type in a format other than JSON is
 * reported as `unsupported` with its name.
 */
export type DetectedContentMode =
  | { mode: "binary" }
  | { mode: "structured" }
  | { mode: "batch" }
  | { mode: "unsupported"; format: string };

export function contentModeOf(contentType: string | undefined): DetectedContentMode {
  const essence = contentType === undefined ? undefined : mediaTypeEssence(contentType);
  if (essence === JSON_EVENT_FORMAT) return { mode: "structured" };
  if (essence === JSON_BATCH_FORMAT) return { mode: "batch" };
  if (contentType !== undefined && contentType.trim().toLowerCase().startsWith("application/cloudevents")) {
    return { mode: "unsupported", format: essence ?? contentType };
  }
  return { mode: "binary" };
}
