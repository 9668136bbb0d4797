import { equal, throws } from "node:assert/strict";
import { zipkinSettings } from "./zipkin_settings.ts";

function env(vars: Record<string, string>): Deno.Env {
  const map = new Map(Object.entries(vars));
  return {
    get: (k) => map.get(k),
    has: (k) => map.has(k),
    set: () => {},
    delete: () => {},
    toObject: () => Object.fromEntries(map),
  };
}

Deno.test("Zipkin runs on 127.0.0.1:9411 by default, its jar and state under the cache", () => {
  const s = zipkinSettings(env({ HOME: "/home/u" }));
  equal(s.url, "http://127.0.0.1:9411");
  equal(s.jarFile, "/home/u/.cache/denative/zipkin/3.5.1/zipkin-server-3.5.1-exec.jar");
  equal(s.pidFile, "/home/u/.cache/denative/zipkin/server-9411/zipkin.pid");
});

Deno.test("ZIPKIN_PORT and ZIPKIN_VERSION are checked", () => {
  equal(zipkinSettings(env({ ZIPKIN_PORT: "19411", XDG_CACHE_HOME: "/c" })).url, "http://127.0.0.1:19411");
  throws(() => zipkinSettings(env({ ZIPKIN_PORT: "99999" })), /ZIPKIN_PORT/);
  throws(() => zipkinSettings(env({ ZIPKIN_VERSION: "latest" })), /ZIPKIN_VERSION/);
});
