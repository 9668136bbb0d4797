/**
 * The kinds this area serves on the admin API: `sources.knative.dev/v1` `pingsources`,
 * `apiserversources`, `sinkbindings`; `sources.knative.dev/v1alpha1` `githubsources`; and the core
 * `v1` `secrets` they (and Services) reference.
 */
import type { KindInfo } from "../../resources/kinds.ts";
import { secretKind } from "../../resources/secret_kind.ts";
import { SOURCES_GROUP } from "./source_spec.ts";
import { parsePingSource, PingSourceDocument } from "./ping_source.ts";
import { ApiServerSourceDocument, parseApiServerSource } from "./apiserver_source.ts";
import { GitHubSourceDocument, parseGitHubSource } from "./github_source.ts";
import { parseSinkBinding, SinkBindingDocument } from "./sink_binding.ts";

export function sourceKinds(): KindInfo[] {
  return [
    {
      group: SOURCES_GROUP,
      version: "v1",
      plural: "pingsources",
      kind: "PingSource",
      schema: PingSourceDocument,
      parse(doc) {
        const { source, errors } = parsePingSource(doc);
        return { object: source, errors };
      },
    },
    {
      group: SOURCES_GROUP,
      version: "v1",
      plural: "apiserversources",
      kind: "ApiServerSource",
      schema: ApiServerSourceDocument,
      parse(doc) {
        const { source, errors } = parseApiServerSource(doc);
        return { object: source, errors };
      },
    },
    {
      group: SOURCES_GROUP,
      version: "v1",
      plural: "sinkbindings",
      kind: "SinkBinding",
      schema: SinkBindingDocument,
      parse(doc) {
        const { binding, errors } = parseSinkBinding(doc);
        return { object: binding, errors };
      },
    },
    {
      group: SOURCES_GROUP,
      version: "v1alpha1",
      plural: "githubsources",
      kind: "GitHubSource",
      schema: GitHubSourceDocument,
      parse(doc) {
        const { source, errors } = parseGitHubSource(doc);
        return { object: source, errors };
      },
    },
    secretKind(),
  ];
}
