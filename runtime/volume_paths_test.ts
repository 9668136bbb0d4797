import assert from "node:assert/strict";
import { mapVolumePath } from "./volume_paths.ts";

const mounts = [
  { mountPath: "/etc/secret", dir: "/slots/7.volumes/0", writable: false },
  { mountPath: "/scratch/", dir: "/slots/7.emptydir/1", writable: true },
];

Deno.test("mapVolumePath() maps paths under a mountPath and leaves the rest", () => {
  assert.equal(mapVolumePath(mounts, "/etc/secret/password"), "/slots/7.volumes/0/password");
  assert.equal(mapVolumePath(mounts, "/etc/secret"), "/slots/7.volumes/0");
  assert.equal(mapVolumePath(mounts, "/scratch/a/b.txt"), "/slots/7.emptydir/1/a/b.txt");
  assert.equal(mapVolumePath(mounts, new URL("file:///etc/secret/x")), "/slots/7.volumes/0/x");
  // Beside a mount, not in it.
  assert.equal(mapVolumePath(mounts, "/etc/secrets.txt"), "/etc/secrets.txt");
  assert.equal(mapVolumePath(mounts, "/etc/passwd"), "/etc/passwd");
  assert.equal(mapVolumePath(mounts, "relative/etc/secret"), "relative/etc/secret");
});
