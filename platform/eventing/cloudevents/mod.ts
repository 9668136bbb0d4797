export {
  type CloudEvent,
  CORE_ATTRIBUTES,
  type ExtensionValue,
  isCoreAttribute,
  SPEC_VERSION,
} from "./cloudevent.ts";
export { CloudEventError } from "./cloudevent_error.ts";
export { attributeNameProblem, isAttributeName } from "./attribute_name.ts";
export { attributeValue, canonicalString, eventAttributes } from "./attributes.ts";
export { type ContentMode, contentModeOf, type DetectedContentMode } from "./content_mode.ts";
export { eventDataBytes, eventDataJson, eventDataText } from "./event_data.ts";
export { extensionValueProblem, parseEventAttributes } from "./event_schema.ts";
export {
  type DecodedHttpMessage,
  decodeHttpMessage,
  decodeHttpRequest,
  type HttpMessage,
} from "./http_decode.ts";
export {
  binaryContentType,
  type EncodedHttpMessage,
  encodeHttpBatch,
  encodeHttpBinary,
  encodeHttpStructured,
} from "./http_encode.ts";
export {
  eventFromJsonObject,
  eventToJsonObject,
  JSON_BATCH_FORMAT,
  JSON_EVENT_FORMAT,
  parseJsonBatch,
  parseJsonEvent,
  serializeJsonBatch,
  serializeJsonEvent,
} from "./json_format.ts";
export { decodeKafkaRecord } from "./kafka_decode.ts";
export { encodeKafkaBinary, encodeKafkaStructured, type KafkaEncodeOptions } from "./kafka_encode.ts";
export type { KafkaRecord } from "./kafka_record.ts";
export {
  isJsonMediaType,
  isMediaType,
  type MediaType,
  mediaTypeEssence,
  parseMediaType,
} from "./media_type.ts";
export { decodeHeaderValue, encodeHeaderValue } from "./percent_encoding.ts";
export { isRfc3339Timestamp } from "./rfc3339.ts";
export { isAbsoluteUri, isUriReference } from "./uri.ts";
export { validateEvent } from "./validate_event.ts";
