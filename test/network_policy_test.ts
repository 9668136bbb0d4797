/**
 * The network policy, probed from inside a real function: no listening on every interface, no
 * connection to the platform's admin or API port, the local service ports under every loopback
 * name, or the cloud metadata address; the data plane (other functions) stays reachable. Denials are
 * Deno's permission errors (NotCapable), raised before any packet leaves. With the
 * `denative.dev/allow-net` annotation a Service reaches the addresses it names and nothing more (a
 * real listener on a denied port, next to another denied one); the annotation is validated. The
 * instance-link socket cannot be reached or deleted (its permission is revoked before the
 * function's code loads).
 */
import assert from "node:assert/strict";
import { EXAMPLES, FIXTURES, Platform } from "./harness.ts";
import { ALLOW_NET_ANNOTATION } from "../platform/limits/allow_net_annotation.ts";

const SERVICES = "/apis/serving.knative.dev/v1/namespaces/default/services";

/** A loopback listener that accepts and closes, so "ok" means a real connection was made. */
function listener(): { port: number; close(): void } {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  (async () => {
    for await (const conn of l) conn.close();
  })().catch(() => {});
  return { port: (l.addr as Deno.NetAddr).port, close: () => l.close() };
}

/** The unix socket instances link to (the platform's runtime directory is private, so ask ss). */
async function linkSocket(platform: Platform): Promise<string> {
  const out = await new Deno.Command("ss", { args: ["-lxpH"], stdout: "piped" }).output();
  const paths = new TextDecoder().decode(out.stdout).split("\n")
    .filter((line) => line.includes(`pid=${platform.pid},`))
    .map((line) => /(\/\S+\/links\.sock)/.exec(line)?.[1])
    .filter((path): path is string => path !== undefined);
  assert.equal(paths.length, 1, `one link socket, found ${paths.join(", ")}`);
  return paths[0];
}

function probeDoc(name: string, image: string, annotations: Record<string, string> = {}) {
  return {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    metadata: { name },
    spec: { template: { metadata: { annotations }, spec: { containers: [{ image }] } } },
  };
}

Deno.test("a function cannot listen or reach platform endpoints and local services, and can call other functions", async (t) => {
  const allowed = listener();
  const stillDenied = listener();
  const platform = await Platform.start({
    functions: { probe: `${FIXTURES}/net_probe`, echo: `${EXAMPLES}/echo` },
    env: { DENATIVE_DENY_NET: `127.0.0.1:7777,127.0.0.1:${allowed.port},127.0.0.1:${stillDenied.port}` },
  });
  try {
    await platform.settled("probe");
    await platform.settled("echo");
    const denied = [
      `127.0.0.1:${platform.adminPort}`,
      `localhost:${platform.adminPort}`,
      `127.0.0.1:${platform.apiPort}`,
      "127.0.0.1:5432",
      "[::1]:5432",
      "localhost:6379",
      "127.0.0.1:9092",
      "127.0.0.1:7777",
      "169.254.169.254:80",
    ];
    const echo = `http://127.0.0.1:${platform.port}/function/echo/`;
    const query = new URLSearchParams({ connect: denied.join(","), listen: "0.0.0.0,::", fetch: echo });
    const res = await platform.call("probe", `/?${query}`);
    const seen = await res.json() as Record<string, string>;
    for (const target of denied) {
      assert.equal(seen[target], "NotCapable", `${target}: ${JSON.stringify(seen)}`);
    }
    assert.equal(seen["listen 0.0.0.0"], "NotCapable");
    assert.equal(seen["listen ::"], "NotCapable");
    assert.equal(seen[`fetch ${echo}`], "200", "the data plane is reachable");

    const targets = [`127.0.0.1:${allowed.port}`, `127.0.0.1:${stillDenied.port}`, "127.0.0.1:5432"];
    const reach = async (service: string) => {
      const res = await platform.call(service, `/?${new URLSearchParams({ connect: targets.join(",") })}`);
      return await res.json() as Record<string, string>;
    };

    await t.step("without the allow-net annotation, both listeners are refused", async () => {
      const seen = await reach("probe");
      for (const target of targets) {
        assert.equal(seen[target], "NotCapable", `${target}: ${JSON.stringify(seen)}`);
      }
    });

    const probe = await platform.adminJson<
      { spec: { template: { spec: { containers: { image: string }[] } } } }
    >(
      `${SERVICES}/probe`,
    );
    const image = probe.spec.template.spec.containers[0].image;

    await t.step("with it, the function reaches the allowed address only", async () => {
      await platform.putService(
        probeDoc("allowed", image, { [ALLOW_NET_ANNOTATION]: `127.0.0.1:${allowed.port}` }),
      );
      await platform.settled("allowed");
      const seen = await reach("allowed");
      assert.equal(seen[`127.0.0.1:${allowed.port}`], "ok", JSON.stringify(seen));
      assert.equal(seen[`127.0.0.1:${stillDenied.port}`], "NotCapable", JSON.stringify(seen));
      assert.equal(seen["127.0.0.1:5432"], "NotCapable", JSON.stringify(seen));
      // Other functions' hosts keep the whole list.
      assert.equal((await reach("probe"))[`127.0.0.1:${allowed.port}`], "NotCapable");
    });

    await t.step("the annotation is validated and cannot open the platform's own ports", async () => {
      for (
        const [value, why] of [
          ["nope", /denative\.dev\/allow-net.*"nope" is not host:port/],
          [`127.0.0.1:${platform.adminPort}`, /platform's own/],
          [`localhost:${platform.apiPort}`, /platform's own/],
          ["169.254.169.254:80", /cloud metadata/],
        ] as const
      ) {
        const res = await platform.admin(`${SERVICES}/bad`, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(probeDoc("bad", image, { [ALLOW_NET_ANNOTATION]: value })),
        });
        assert.equal(res.status, 422, value);
        assert.match((await res.json()).message, why);
      }
    });

    await t.step("the instance-link socket is out of a function's reach", async () => {
      const link = await linkSocket(platform);
      const res = await platform.call("probe", `/?${new URLSearchParams({ unix: link })}`);
      const seen = await res.json() as Record<string, string>;
      assert.equal(seen[`unix ${link}`], "NotCapable", JSON.stringify(seen));
      assert.equal(seen[`remove ${link}`], "NotCapable", JSON.stringify(seen));
      // And the platform still links new instances through it.
      await platform.putService(probeDoc("after-probe", image));
      await platform.settled("after-probe");
      const after = await platform.call("after-probe", "/");
      assert.equal(after.status, 200);
      await after.body?.cancel();
    });
  } finally {
    await platform.stop();
    allowed.close();
    stillDenied.close();
  }
});
