import { deepStrictEqual as assertEquals, equal, ok as assert } from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { validateEvent } from "../cloudevents/validate_event.ts";
import { encodeHttpBinary } from "../cloudevents/http_encode.ts";
import { decideGitHubDelivery, type WebhookDecision } from "./github_webhook.ts";
import { signatureHeader } from "./github_signature.ts";
import { type GitHubSource, parseGitHubSource } from "./github_source.ts";
import { conformanceSuite } from "../../../test/conformance.ts";

/** Real GitHub deliveries (outside suite, read at run time). */
const PAYLOADS = conformanceSuite("github-webhooks");
const DOCUMENTS = conformanceSuite("knative-yaml");
const SECRET = "webhook-s3cret";
const NOW = new Date("2024-05-01T12:00:00Z");

/** Every payload file, with the subject eventing-github gives it. */
const SUBJECTS: Record<string, string> = {
  "issues-opened.json": "1",
  "ping.json": "109948940",
  "pull_request-opened.json": "2",
  "push-with-new-branch.json": "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
  "push.json": "6113728f27ae...000000000000",
  "release-published.json": "0.0.1",
};

const payloadFiles = PAYLOADS.files(".json");

const repository = { id: 1, full_name: "me/repo" };
const sender = { login: "me" };
/** Small deliveries written here in GitHub's shape, so the behaviour tests need no outside files. */
const OWN_PAYLOADS: Record<string, unknown> = {
  "issues-opened.json": { action: "opened", issue: { number: 7 }, repository, sender },
  "ping.json": { zen: "Keep it logically awesome.", hook_id: 42, repository, sender },
  "push.json": {
    ref: "refs/heads/main",
    compare: "https://github.com/me/repo/compare/a1...b2",
    repository,
    sender,
  },
  "release-published.json": { action: "published", release: { tag_name: "v1.0.0" }, repository, sender },
};
const OWN_SUBJECTS: Record<string, string> = {
  "issues-opened.json": "7",
  "ping.json": "42",
  "push.json": "a1...b2",
  "release-published.json": "v1.0.0",
};

/** A delivery's body: the real payload for a conformance file, else one of ours. */
function payloadBody(file: string, own: boolean): Uint8Array<ArrayBuffer> {
  if (own) return new TextEncoder().encode(JSON.stringify(OWN_PAYLOADS[file]));
  return Deno.readFileSync(PAYLOADS.path(file));
}

function source(eventTypes: string[]): GitHubSource {
  const { source, errors } = parseGitHubSource({
    apiVersion: "sources.knative.dev/v1alpha1",
    kind: "GitHubSource",
    metadata: { name: "gh", namespace: "default" },
    spec: {
      ownerAndRepository: "Codertocat/Hello-World",
      eventTypes,
      secretToken: { secretKeyRef: { name: "githubsecret", key: "secretToken" } },
      sink: { ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "dumper" } },
    },
  });
  assertEquals(errors, []);
  return source;
}

async function request(file: string, headers: Record<string, string | undefined> = {}, own = true) {
  const body = payloadBody(file, own);
  // File name = `<X-GitHub-Event>-<case>.json`.
  const eventType = file.replace(/\.json$/, "").split("-")[0];
  const all: Record<string, string | undefined> = {
    "content-type": "application/json",
    "x-github-event": eventType,
    "x-github-delivery": `delivery-${file}`,
    "x-hub-signature-256": await signatureHeader(SECRET, body),
    ...headers,
  };
  const defined = Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined);
  return { headers: new Headers(defined), body, eventType };
}

function answered(decision: WebhookDecision): [number, string] {
  if (decision.kind !== "answer") throw new Error(`expected an answer, got ${JSON.stringify(decision)}`);
  return [decision.status, decision.message];
}

PAYLOADS.test("the conformance directory holds every payload this test knows", () => {
  assertEquals(payloadFiles, Object.keys(SUBJECTS).sort());
});

async function assertBecomesCloudEvent(file: string, own: boolean, subject: string) {
  const req = await request(file, {}, own);
  const decision = await decideGitHubDelivery(source([req.eventType]), SECRET, req, NOW);
  if (decision.kind !== "deliver") throw new Error(`not delivered: ${JSON.stringify(decision)}`);
  const { event } = decision;
  const payload = JSON.parse(new TextDecoder().decode(req.body));
  equal(event.type, `dev.knative.source.github.${req.eventType}`);
  equal(event.id, `delivery-${file}`);
  equal(event.source, `https://github.com/${payload.repository.full_name}`);
  equal(event.subject, subject);
  equal(event.datacontenttype, "application/json");
  equal(event.time, NOW.toISOString());
  equal(event.extensions.sender, payload.sender.login);
  assertEquals(encodeHttpBinary(validateEvent(event)).body, req.body);
}

for (const file of payloadFiles) {
  PAYLOADS.test(`the real delivery ${file} becomes the GitHub CloudEvent with its payload unchanged`, async () => {
    await assertBecomesCloudEvent(file, false, SUBJECTS[file]);
  });
}

for (const file of Object.keys(OWN_PAYLOADS)) {
  Deno.test(`a signed ${file} becomes the GitHub CloudEvent with its payload unchanged`, async () => {
    await assertBecomesCloudEvent(file, true, OWN_SUBJECTS[file]);
  });

  Deno.test(`${file} with a wrong signature is refused with 400`, async () => {
    const req = await request(file, {
      "x-hub-signature-256": await signatureHeader("not-the-secret", payloadBody(file, true)),
    });
    const [status, message] = answered(await decideGitHubDelivery(source([req.eventType]), SECRET, req, NOW));
    equal(status, 400);
    assert(message.includes("does not match"));
  });

  Deno.test(`${file} without a signature is refused with 400`, async () => {
    const req = await request(file, { "x-hub-signature-256": undefined });
    const [status, message] = answered(await decideGitHubDelivery(source([req.eventType]), SECRET, req, NOW));
    equal(status, 400);
    assert(message.includes("missing"));
  });
}

Deno.test("an event type the source does not subscribe to is refused with 404", async () => {
  const req = await request("push.json");
  const [status, message] = answered(await decideGitHubDelivery(source(["pull_request"]), SECRET, req, NOW));
  equal(status, 404);
  assert(message.includes('"push"'));
});

Deno.test("a ping the source does not subscribe to is answered 200 and not delivered", async () => {
  const req = await request("ping.json");
  assertEquals(answered(await decideGitHubDelivery(source(["push"]), SECRET, req, NOW)), [200, "pong"]);
});

Deno.test("the signature is checked before the event type, so a forged ping gets 400", async () => {
  const req = await request("ping.json", { "x-hub-signature-256": `sha256=${"0".repeat(64)}` });
  equal(answered(await decideGitHubDelivery(source(["push"]), SECRET, req, NOW))[0], 400);
});

Deno.test("a body changed after signing is refused", async () => {
  const req = await request("issues-opened.json");
  const tampered = { ...req, body: new Uint8Array([...req.body, 0x20]) };
  equal(answered(await decideGitHubDelivery(source(["issues"]), SECRET, tampered, NOW))[0], 400);
});

Deno.test("missing event or delivery headers are refused with 400", async () => {
  const noType = await request("issues-opened.json", { "x-github-event": undefined });
  equal(answered(await decideGitHubDelivery(source(["issues"]), SECRET, noType, NOW))[0], 400);
  const noId = await request("issues-opened.json", { "x-github-delivery": undefined });
  equal(answered(await decideGitHubDelivery(source(["issues"]), SECRET, noId, NOW))[0], 400);
});

Deno.test("without the secret nothing can be verified and the answer is 503", async () => {
  const req = await request("issues-opened.json");
  const [status, message] = answered(await decideGitHubDelivery(source(["issues"]), undefined, req, NOW));
  equal(status, 503);
  assert(message.includes("githubsecret"));
});

Deno.test("a form-encoded delivery carries its JSON in the payload field", async () => {
  const json = JSON.stringify(OWN_PAYLOADS["release-published.json"]);
  const body = new TextEncoder().encode(new URLSearchParams({ payload: json }).toString());
  const headers = new Headers({
    "content-type": "application/x-www-form-urlencoded",
    "x-github-event": "release",
    "x-github-delivery": "d-1",
    "x-hub-signature-256": await signatureHeader(SECRET, body),
  });
  const decision = await decideGitHubDelivery(source(["release"]), SECRET, { headers, body }, NOW);
  if (decision.kind !== "deliver") throw new Error(JSON.stringify(decision));
  equal(decision.event.subject, "v1.0.0");
  equal(new TextDecoder().decode(decision.event.data as Uint8Array), json);
});

DOCUMENTS.test("the Knative GitHubSource document is accepted as it is", () => {
  const doc = parseYaml(DOCUMENTS.readText("githubsource-pull-request.yaml"));
  const { errors, source } = parseGitHubSource({
    ...doc,
    metadata: { ...doc.metadata, namespace: "default" },
  });
  assertEquals(errors, []);
  assertEquals(source.spec.eventTypes, ["pull_request"]);
});

Deno.test("a GitHubSource without eventTypes or secretToken is refused with the field paths", () => {
  const { errors } = parseGitHubSource({
    apiVersion: "sources.knative.dev/v1alpha1",
    kind: "GitHubSource",
    metadata: { name: "gh", namespace: "default" },
    spec: {
      ownerAndRepository: "a/b",
      eventTypes: ["pull_request", "bogus"],
      sink: { uri: "http://x.example/" },
    },
  });
  assertEquals(errors.map((e) => e.path).sort(), ["spec.eventTypes[1]", "spec.secretToken"]);
});
