/** `dn kubeconfig`: prints the kubeconfig the platform wrote for kubectl and Kubernetes clients. */
import type { Command } from "../command.ts";
import { CliError } from "../cli_error.ts";
import { loadClientConfig } from "../../config.ts";

export const kubeconfigCommand: Command = {
  path: ["kubeconfig"],
  summary: "Print the kubeconfig for kubectl (written by the platform to <state>/kubeconfig)",
  details: "Example:\n  deno task dn kubeconfig > ~/.kube/denative && export KUBECONFIG=~/.kube/denative",
  async run(ctx, _args, flags) {
    const { state } = loadClientConfig({ state: flags.string("state") });
    const path = `${state}/kubeconfig`;
    try {
      ctx.out((await Deno.readTextFile(path)).trimEnd());
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        throw new CliError(`no kubeconfig at ${path}: start the platform first, or pass --state`);
      }
      throw err;
    }
  },
};
