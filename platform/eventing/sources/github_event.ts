/**
 * The CloudEvent a GitHub webhook delivery becomes, as eventing-github makes it: type
 * `dev.knative.source.github.<X-GitHub-Event>`, id `X-GitHub-Delivery`, source
 * `https://github.com/<owner>/<repo>` (the payload's `repository.full_name`, else the spec's
 * `ownerAndRepository`: the same for a repository's hook, and the actual repository for an
 * organization's), a subject picked per event type (a pull request's number,
 * an issue's number, a push's compare range...), extensions `owner`, `repository`, `sender`,
 * `action` (and `ref`) where the payload has them, and the JSON body, byte for byte, as data.
 */
import type { CloudEvent, ExtensionValue } from "../cloudevents/cloudevent.ts";
import { gitHubEventSource } from "./github_source.ts";

export const GITHUB_EVENT_PREFIX = "dev.knative.source.github";

type Payload = Record<string, unknown>;

function at(payload: unknown, ...path: string[]): unknown {
  let value = payload;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Payload)[key];
  }
  return value;
}

function text(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

/** What follows the last `/` of a URL: eventing-github keeps only that of comment and compare URLs. */
function lastPathPortion(url: unknown): string | undefined {
  const s = text(url);
  return s === undefined ? undefined : s.slice(s.lastIndexOf("/") + 1);
}

/** eventing-github's subject per GitHub event type. */
const SUBJECTS: Record<string, (p: Payload) => string | undefined> = {
  check_run: (p) => text(at(p, "check_run", "id")),
  check_suite: (p) => text(at(p, "check_suite", "id")),
  commit_comment: (p) => lastPathPortion(at(p, "comment", "html_url")),
  create: (p) => text(p.ref_type),
  delete: (p) => text(p.ref_type),
  deployment: (p) => text(at(p, "deployment", "id")),
  deployment_status: (p) => text(at(p, "deployment", "id")),
  fork: (p) => text(at(p, "forkee", "id")),
  gollum: (p) =>
    Array.isArray(p.pages) ? p.pages.map((page) => text(at(page, "page_name")) ?? "").join(",") : undefined,
  installation: (p) => text(at(p, "installation", "id")),
  integration_installation: (p) => text(at(p, "installation", "id")),
  installation_repositories: (p) => text(at(p, "installation", "id")),
  integration_installation_repositories: (p) => text(at(p, "installation", "id")),
  issue_comment: (p) => lastPathPortion(at(p, "comment", "html_url")),
  issues: (p) => text(at(p, "issue", "number")),
  label: (p) => text(at(p, "label", "name")),
  member: (p) => text(at(p, "member", "id")),
  membership: (p) => text(at(p, "member", "id")),
  milestone: (p) => text(at(p, "milestone", "number")),
  organization: (p) => text(p.action),
  org_block: (p) => text(p.action),
  page_build: (p) => text(p.id),
  ping: (p) => text(p.hook_id),
  project_card: (p) => text(p.action),
  project_column: (p) => text(p.action),
  project: (p) => text(p.action),
  public: (p) => text(at(p, "repository", "id")),
  pull_request: (p) => text(at(p, "pull_request", "number")) ?? text(p.number),
  pull_request_review: (p) => text(at(p, "review", "id")),
  pull_request_review_comment: (p) => text(at(p, "comment", "id")),
  push: (p) => lastPathPortion(p.compare),
  release: (p) => text(at(p, "release", "tag_name")),
  repository: (p) => text(at(p, "repository", "id")),
  repository_vulnerability_alert: (p) => text(at(p, "alert", "id")),
  security_advisory: (p) => text(at(p, "security_advisory", "ghsa_id")),
  status: (p) => text(p.sha),
  team: (p) => text(at(p, "team", "id")),
  team_add: (p) => text(at(p, "repository", "id")),
  watch: (p) => text(at(p, "repository", "id")),
};

export function gitHubSubject(eventType: string, payload: unknown): string | undefined {
  if (payload === null || typeof payload !== "object") return undefined;
  const subject = SUBJECTS[eventType]?.(payload as Payload);
  return subject === "" ? undefined : subject;
}

/** The extensions eventing-github copies from the payload, where present. */
export function gitHubExtensions(payload: unknown): Record<string, ExtensionValue> {
  const found: Record<string, unknown> = {
    owner: at(payload, "repository", "owner", "login") ?? at(payload, "organization", "login"),
    repository: at(payload, "repository", "name"),
    sender: at(payload, "sender", "login"),
    action: at(payload, "action"),
    ref: at(payload, "ref"),
  };
  const out: Record<string, ExtensionValue> = {};
  for (const [name, value] of Object.entries(found)) {
    if (typeof value === "string" && value !== "") out[name] = value;
  }
  return out;
}

export interface GitHubDelivery {
  /** `X-GitHub-Event`. */
  eventType: string;
  /** `X-GitHub-Delivery`. */
  deliveryId: string;
  /** The JSON payload, parsed (for subject and extensions). */
  payload: unknown;
  /** The JSON payload's bytes, sent unchanged as the event's data. */
  json: Uint8Array;
}

export function makeGitHubEvent(
  ownerAndRepository: string,
  delivery: GitHubDelivery,
  receivedAt: Date,
  overrides: Record<string, string> = {},
): CloudEvent {
  const event: CloudEvent = {
    specversion: "1.0",
    id: delivery.deliveryId,
    type: `${GITHUB_EVENT_PREFIX}.${delivery.eventType}`,
    source: gitHubEventSource(text(at(delivery.payload, "repository", "full_name")) ?? ownerAndRepository),
    time: receivedAt.toISOString(),
    datacontenttype: "application/json",
    extensions: { ...gitHubExtensions(delivery.payload), ...overrides },
    data: delivery.json,
  };
  const subject = gitHubSubject(delivery.eventType, delivery.payload);
  if (subject !== undefined) event.subject = subject;
  return event;
}
