import { deepStrictEqual as assertEquals, equal } from "node:assert/strict";
import { gitHubExtensions, gitHubSubject, makeGitHubEvent } from "./github_event.ts";

const SUBJECTS: [string, unknown, string | undefined][] = [
  [
    "issue_comment",
    { comment: { html_url: "https://github.com/o/r/issues/2#issuecomment-393304133" } },
    "2#issuecomment-393304133",
  ],
  ["commit_comment", {
    comment: { html_url: "https://github.com/o/r/commit/a10867b#commitcomment-29186860" },
  }, "a10867b#commitcomment-29186860"],
  ["status", { sha: "6113728f27ae82c7b1a177c8d03f9e96e0adf246" }, "6113728f27ae82c7b1a177c8d03f9e96e0adf246"],
  ["gollum", { pages: [{ page_name: "Home" }, { page_name: "Main" }] }, "Home,Main"],
  ["create", { ref_type: "tag", ref: "v1" }, "tag"],
  ["check_run", { check_run: { id: 128620228 } }, "128620228"],
  ["security_advisory", { security_advisory: { ghsa_id: "GHSA-rf4j-j272-fj86" } }, "GHSA-rf4j-j272-fj86"],
  ["pull_request", { number: 7 }, "7"],
  ["workflow_run", { workflow_run: { id: 1 } }, undefined],
  ["issues", { issue: {} }, undefined],
];

for (const [type, payload, subject] of SUBJECTS) {
  Deno.test(`the subject of a ${type} event is ${subject ?? "absent"}`, () => {
    equal(gitHubSubject(type, payload), subject);
  });
}

Deno.test("extensions are copied from the payload only where they are non-empty strings", () => {
  assertEquals(
    gitHubExtensions({
      action: "opened",
      repository: { name: "Hello-World", owner: { login: "Codertocat" } },
      sender: { login: "octocat" },
      ref: "",
      number: 2,
    }),
    { owner: "Codertocat", repository: "Hello-World", sender: "octocat", action: "opened" },
  );
  assertEquals(gitHubExtensions({ organization: { login: "acme" } }), { owner: "acme" });
});

Deno.test("without a repository in the payload the source is the spec's owner, escaped as a URI", () => {
  const event = makeGitHubEvent(
    "<YOUR USER>/<YOUR REPO>",
    { eventType: "ping", deliveryId: "d", payload: { hook_id: 1 }, json: new Uint8Array() },
    new Date(0),
    { team: "a" },
  );
  equal(event.source, "https://github.com/%3CYOUR%20USER%3E/%3CYOUR%20REPO%3E");
  equal(event.extensions.team, "a");
});
