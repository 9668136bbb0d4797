/**
 * Knative's `sources.knative.dev/v1alpha1` GitHubSource (from eventing-github): schema and
 * validation. Denative receives the webhook itself on the data port; it does not call GitHub's
 * API to register the hook, so `accessToken` is accepted and ignored, and the user gives GitHub
 * the URL in `status.url` and the secret in `secretToken`.
 */
import { z } from "zod";
import { CLOSED_IN_OPENAPI, type Condition, type KObject } from "../../resources/meta.ts";
import { type FieldError, zodFieldErrors } from "../../resources/field_errors.ts";
import { CeOverridesSchema, RefOrUriSinkSchema, SourceMeta, SOURCES_V1ALPHA1 } from "./source_spec.ts";

/** The event types eventing-github accepts in `eventTypes` (its CRD's enum). */
export const GITHUB_EVENT_TYPES = [
  "check_suite",
  "commit_comment",
  "create",
  "delete",
  "deployment",
  "deployment_status",
  "fork",
  "gollum",
  "installation",
  "integration_installation",
  "issue_comment",
  "issues",
  "label",
  "member",
  "membership",
  "milestone",
  "organization",
  "org_block",
  "page_build",
  "ping",
  "project_card",
  "project_column",
  "project",
  "public",
  "pull_request",
  "pull_request_review",
  "pull_request_review_comment",
  "push",
  "release",
  "repository",
  "status",
  "team",
  "team_add",
  "watch",
] as const;

const SecretKeyRef = z.looseObject({
  secretKeyRef: z.looseObject({
    name: z.string({ error: "is required" }).min(1, "must not be empty"),
    key: z.string({ error: "is required" }).min(1, "must not be empty"),
  }, { error: "is required: the Secret name and key" }),
});

const GitHubSourceSpec = z.looseObject({
  ownerAndRepository: z.string({ error: "is required" }).min(1, "must not be empty")
    .describe("owner/repository (or an organization) whose webhook events to receive."),
  eventTypes: z.array(
    z.enum(GITHUB_EVENT_TYPES, { error: "is not a GitHub webhook event type Knative supports" }),
    { error: "is required" },
  ).min(1, "must name at least one event type").describe("The GitHub webhook event types to receive."),
  secretToken: SecretKeyRef.describe("The Secret key holding the webhook secret GitHub signs with."),
  accessToken: SecretKeyRef.optional().describe(
    "Kept for Knative compatibility; Denative does not call GitHub.",
  ),
  githubAPIURL: z.string().optional(),
  secure: z.boolean().optional(),
  serviceAccountName: z.string().optional(),
  sink: RefOrUriSinkSchema,
  ceOverrides: CeOverridesSchema.optional(),
}).meta(CLOSED_IN_OPENAPI).describe("The repository, the event types and where the events go.");
export type GitHubSourceSpec = z.infer<typeof GitHubSourceSpec>;

export const GitHubSourceDocument = z.looseObject({
  apiVersion: z.literal(SOURCES_V1ALPHA1),
  kind: z.literal("GitHubSource"),
  metadata: SourceMeta,
  spec: GitHubSourceSpec,
}).describe("A GitHubSource: receives a repository's webhook events as CloudEvents.");

export interface GitHubSource extends KObject {
  spec: GitHubSourceSpec;
  status?: { observedGeneration?: number; conditions?: Condition[]; sinkUri?: string; url?: string };
}

export function parseGitHubSource(doc: unknown): { source: GitHubSource; errors: FieldError[] } {
  const parsed = GitHubSourceDocument.safeParse(doc);
  if (!parsed.success) return { source: doc as GitHubSource, errors: zodFieldErrors(parsed.error) };
  return { source: parsed.data as unknown as GitHubSource, errors: [] };
}

/** `https://github.com/<owner>/<repo>`, eventing-github's event source (characters a URI forbids escaped). */
export function gitHubEventSource(ownerAndRepository: string): string {
  return `https://github.com/${encodeURI(ownerAndRepository)}`;
}

export const GITHUB_WEBHOOK_PREFIX = "/webhooks/github";

/** The data-port path GitHub POSTs to: `/webhooks/github/{namespace}/{name}`. */
export function gitHubWebhookPath(namespace: string, name: string): string {
  return `${GITHUB_WEBHOOK_PREFIX}/${namespace}/${name}`;
}
