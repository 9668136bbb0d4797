/**
 * Event sources as a node extension: the PingSource, ApiServerSource, GitHubSource, SinkBinding
 * and Secret kinds on the admin API, the GitHub webhook receiver on the data port, and the
 * controller that runs them.
 */
import type { PlatformExtension } from "../../extension.ts";
import { systemClock } from "../delivery/clock.ts";
import { EventSender } from "../event_sender.ts";
import { ingressHost } from "../broker/broker_address.ts";
import { sourceKinds } from "./source_kinds.ts";
import { SourcesController } from "./sources_controller.ts";
import { mountGitHubReceiver } from "./github_receiver.ts";
import { gitHubWebhookPath } from "./github_source.ts";

import { functionReachableUrl } from "../../serving/builders.ts";

export const sourcesExtension: PlatformExtension = {
  name: "sources",
  create(parts) {
    const log = parts.log.child("sources");
    const sender = new EventSender(parts);
    const { config, scheme } = parts;
    const controller = new SourcesController({
      store: parts.store,
      sender,
      clock: systemClock,
      log,
      // Knative's ApiServerSource names the API server it watches; Denative's is the admin API.
      apiServerOrigin: `http://${ingressHost(config.adminHost)}:${config.adminPort}`,
      reachableUrl: (url) => functionReachableUrl(url, scheme),
      webhookUrl: (ns, name) =>
        `http://${ingressHost(config.host)}:${scheme.port}${gitHubWebhookPath(ns, name)}`,
      claimOnce: parts.claimOnce,
      holdsApiServerLease: parts.holdsLease && (() => parts.holdsLease!("apiserversources")),
    });
    return {
      kinds: sourceKinds(),
      mount: (app) =>
        mountGitHubReceiver(app, {
          store: parts.store,
          sender,
          log,
          onSinkMissing: (ns) => controller.markDirty(ns),
        }),
      start: () => controller.start(),
      stop: () => controller.stop(),
    };
  },
};
