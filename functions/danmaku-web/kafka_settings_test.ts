import assert from "node:assert/strict";
import { kafkaSettings } from "./kafka_settings.ts";

Deno.test("kafkaSettings() reads brokers and topics, with defaults", () => {
  assert.deepEqual(kafkaSettings({}), {
    brokers: ["127.0.0.1:9092"],
    commentsTopic: "danmaku-comments",
    processedTopic: "danmaku-processed",
  });
  assert.deepEqual(
    kafkaSettings({ KAFKA_BROKERS: "a:1, b:2,", COMMENTS_TOPIC: "in", PROCESSED_TOPIC: "out" }),
    { brokers: ["a:1", "b:2"], commentsTopic: "in", processedTopic: "out" },
  );
});
