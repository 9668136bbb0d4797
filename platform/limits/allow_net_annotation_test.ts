import assert from "node:assert/strict";
import {
  ALLOW_NET_ANNOTATION,
  allowedNetwork,
  allowNetEntryProblem,
  allowNetTemplateValidator,
} from "./allow_net_annotation.ts";

Deno.test("allow-net entries: host:port with a real port, not the platform's own endpoints", () => {
  const ports = [8081, 6443];
  for (const ok of ["127.0.0.1:5432", "localhost:6379", "[::1]:5432", "db.internal:5432"]) {
    assert.equal(allowNetEntryProblem(ok, ports), null, ok);
  }
  for (const bad of ["127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", "a b:1", "127.0.0.1:5432/x", ":5432"]) {
    assert.ok(allowNetEntryProblem(bad, ports), bad);
  }
  assert.match(allowNetEntryProblem("127.0.0.1:8081", ports)!, /platform's own/);
  assert.match(allowNetEntryProblem("localhost:6443", ports)!, /platform's own/);
  assert.match(allowNetEntryProblem("169.254.169.254:80", ports)!, /cloud metadata/);
  assert.match(allowNetEntryProblem("0.0.0.0:5432", ports)!, /every interface/);
});

Deno.test("allow-net annotation: the validator names the annotation, the entries are read back", () => {
  const validate = allowNetTemplateValidator([8081]);
  const spec = { containers: [{ image: "x" }] };
  const template = (value: string) => ({
    metadata: { annotations: { [ALLOW_NET_ANNOTATION]: value } },
    spec,
  });
  assert.deepEqual(validate({ spec }), []);
  assert.deepEqual(validate(template("127.0.0.1:5432, localhost:6379")), []);
  const errors = validate(template("127.0.0.1:5432,nope,127.0.0.1:8081"));
  assert.equal(errors.length, 2);
  assert.equal(errors[0].path, `spec.template.metadata.annotations[${ALLOW_NET_ANNOTATION}]`);
  assert.match(errors[0].message, /"nope" is not host:port/);
  assert.match(errors[1].message, /8081/);
  assert.equal(validate(template(" , ")).length, 1);
  assert.deepEqual(allowedNetwork({ [ALLOW_NET_ANNOTATION]: "127.0.0.1:5432, localhost:6379" }), [
    "127.0.0.1:5432",
    "localhost:6379",
  ]);
  assert.equal(allowedNetwork({}), undefined);
});

Deno.test("allow-net annotation: refused with --net-sandbox strict, where functions reach the data plane only", () => {
  const validate = allowNetTemplateValidator([8081], "strict");
  const spec = { containers: [{ image: "x" }] };
  assert.deepEqual(validate({ spec }), []);
  const errors = validate({ metadata: { annotations: { [ALLOW_NET_ANNOTATION]: "127.0.0.1:5432" } }, spec });
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /not supported with --net-sandbox strict/);
});
