/**
 * Reads the Kubernetes protobuf encoding (`application/vnd.kubernetes.protobuf`) that kubectl's
 * typed clients send for built-in kinds (`kubectl create namespace`, `kubectl create secret`): the
 * `k8s\0` envelope around a `runtime.Unknown`, and the Namespace, Secret and ConfigMap messages
 * (field numbers from Kubernetes' generated.proto). Answers are always JSON, which clients accept.
 */

export const PROTOBUF_TYPE = "application/vnd.kubernetes.protobuf";
const MAGIC = [0x6b, 0x38, 0x73, 0x00]; // "k8s\0"

export class ProtobufError extends Error {}

type Field = { number: number; wire: number; value: number | Uint8Array };

/** The fields of one message, in order. */
function fields(bytes: Uint8Array): Field[] {
  const out: Field[] = [];
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= bytes.length) throw new ProtobufError("truncated varint");
      const b = bytes[pos++];
      result += (b & 0x7f) * scale;
      if (!(b & 0x80)) return result;
      scale *= 128;
    }
    throw new ProtobufError("varint too long");
  };
  while (pos < bytes.length) {
    const key = varint();
    const number = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) out.push({ number, wire, value: varint() });
    else if (wire === 2) {
      const len = varint();
      if (pos + len > bytes.length) throw new ProtobufError("truncated field");
      out.push({ number, wire, value: bytes.subarray(pos, pos + len) });
      pos += len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new ProtobufError(`unsupported wire type ${wire}`);
  }
  return out;
}

const text = (v: number | Uint8Array) => typeof v === "number" ? String(v) : new TextDecoder().decode(v);
const bytesOf = (v: number | Uint8Array) => (typeof v === "number" ? new Uint8Array() : v);

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function mapEntry(v: number | Uint8Array, value: (raw: number | Uint8Array) => string): [string, string] {
  let key = "";
  let val = "";
  for (const f of fields(bytesOf(v))) {
    if (f.number === 1) key = text(f.value);
    if (f.number === 2) val = value(f.value);
  }
  return [key, val];
}

function objectMeta(bytes: Uint8Array): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  const finalizers: string[] = [];
  for (const f of fields(bytes)) {
    // proto2 sends empty strings for unset optional fields.
    if (f.value instanceof Uint8Array && f.value.length === 0 && f.number <= 6) continue;
    if (f.number === 1) meta.name = text(f.value);
    else if (f.number === 2) meta.generateName = text(f.value);
    else if (f.number === 3) meta.namespace = text(f.value);
    else if (f.number === 6) meta.resourceVersion = text(f.value);
    else if (f.number === 11) labels[mapEntry(f.value, text)[0]] = mapEntry(f.value, text)[1];
    else if (f.number === 12) annotations[mapEntry(f.value, text)[0]] = mapEntry(f.value, text)[1];
    else if (f.number === 14) finalizers.push(text(f.value));
  }
  if (Object.keys(labels).length) meta.labels = labels;
  if (Object.keys(annotations).length) meta.annotations = annotations;
  if (finalizers.length) meta.finalizers = finalizers;
  return meta;
}

function stringMap(entries: Field[], number: number, value: (raw: number | Uint8Array) => string) {
  const picked = entries.filter((f) => f.number === number);
  return picked.length ? Object.fromEntries(picked.map((f) => mapEntry(f.value, value))) : undefined;
}

const DECODERS: Record<string, (fs: Field[]) => Record<string, unknown>> = {
  Namespace(fs) {
    const spec = fs.find((f) => f.number === 2);
    const finalizers = spec
      ? fields(bytesOf(spec.value)).filter((f) => f.number === 1).map((f) => text(f.value))
      : [];
    return finalizers.length ? { spec: { finalizers } } : {};
  },
  Secret(fs) {
    const type = fs.find((f) => f.number === 3);
    const immutable = fs.find((f) => f.number === 5);
    return clean({
      data: stringMap(fs, 2, (v) => base64(bytesOf(v))),
      type: type && text(type.value) ? text(type.value) : undefined,
      stringData: stringMap(fs, 4, text),
      immutable: immutable ? immutable.value === 1 : undefined,
    });
  },
  ConfigMap(fs) {
    const immutable = fs.find((f) => f.number === 4);
    return clean({
      data: stringMap(fs, 2, text),
      binaryData: stringMap(fs, 3, (v) => base64(bytesOf(v))),
      immutable: immutable ? immutable.value === 1 : undefined,
    });
  },
};

function clean(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

/** A protobuf-encoded Namespace, Secret or ConfigMap as the JSON document it stands for. */
export function decodeKubeProtobuf(body: Uint8Array): Record<string, unknown> {
  if (body.length < 4 || MAGIC.some((b, i) => body[i] !== b)) {
    throw new ProtobufError("missing the k8s\\0 prefix");
  }
  let apiVersion = "";
  let kind = "";
  let raw: Uint8Array = new Uint8Array();
  for (const f of fields(body.subarray(4))) {
    if (f.number === 1) {
      for (const t of fields(bytesOf(f.value))) {
        if (t.number === 1) apiVersion = text(t.value);
        if (t.number === 2) kind = text(t.value);
      }
    } else if (f.number === 2) raw = bytesOf(f.value);
  }
  const decode = DECODERS[kind];
  if (apiVersion !== "v1" || !decode) {
    throw new ProtobufError(
      `protobuf is read only for v1 Namespace, Secret and ConfigMap, not ${apiVersion} ${kind}`,
    );
  }
  const fs = fields(raw);
  const meta = fs.find((f) => f.number === 1);
  return { apiVersion, kind, metadata: meta ? objectMeta(bytesOf(meta.value)) : {}, ...decode(fs) };
}
