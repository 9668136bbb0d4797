/**
 * The private CA and serving certificate of the Kubernetes-compatible API port, made at first start
 * under `<state>/tls/` (keys mode 0600) with @peculiar/x509 on WebCrypto. The serving certificate is
 * issued again (by the same CA) when a host it must name is missing from it, so a kubeconfig that
 * trusts the CA keeps working after `--admin-host` changes.
 */
import "reflect-metadata"; // @peculiar/x509's dependency injection needs it before it loads
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(crypto);

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const CA_YEARS = 10;
const SERVING_YEARS = 2;

export interface TlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** Loads `<dir>/{ca.crt,ca.key,tls.crt,tls.key}`, creating what is missing; `hosts` are DNS names or IPs. */
export async function ensureTlsMaterial(
  dir: string,
  hosts: string[],
  now = new Date(),
): Promise<TlsMaterial> {
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  let ca = await readPair(dir, "ca");
  if (!ca) {
    ca = await createCa(now);
    await writePair(dir, "ca", ca);
  }
  let serving = await readPair(dir, "tls");
  if (!serving || !coversHosts(serving.certPem, hosts) || expired(serving.certPem, now)) {
    serving = await issueServing(ca, hosts, now);
    await writePair(dir, "tls", serving);
  }
  return { caPem: ca.certPem, certPem: serving.certPem, keyPem: serving.keyPem };
}

interface Pair {
  certPem: string;
  keyPem: string;
}

async function createCa(now: Date): Promise<Pair> {
  const keys = await crypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=denative-ca-${now.getTime()}`,
    notBefore: now,
    notAfter: yearsAfter(now, CA_YEARS),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString("pem"), keyPem: await privateKeyPem(keys.privateKey) };
}

async function issueServing(ca: Pair, hosts: string[], now: Date): Promise<Pair> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await crypto.subtle.importKey(
    "pkcs8",
    x509.PemConverter.decodeFirst(ca.keyPem),
    ALGORITHM,
    false,
    ["sign"],
  );
  const keys = await crypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const names = [...new Set(hosts)].map((h) =>
    isIp(h) ? { type: "ip", value: h } : { type: "dns", value: h }
  );
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: "CN=denative",
    issuer: caCert.subject,
    notBefore: now,
    notAfter: yearsAfter(now, SERVING_YEARS),
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names as x509.JsonGeneralName[]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return { certPem: cert.toString("pem"), keyPem: await privateKeyPem(keys.privateKey) };
}

/** The DNS names and IPs a PEM certificate's subjectAltName lists. */
export function subjectAltNames(certPem: string): string[] {
  const cert = new x509.X509Certificate(certPem);
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  return san ? san.names.items.map((n) => n.value) : [];
}

function coversHosts(certPem: string, hosts: string[]): boolean {
  const names = new Set(subjectAltNames(certPem).map(normalizeHost));
  return hosts.every((h) => names.has(normalizeHost(h)));
}

function expired(certPem: string, now: Date): boolean {
  return new x509.X509Certificate(certPem).notAfter.getTime() <= now.getTime();
}

/** ::1 and 0:0:0:0:0:0:0:1 are one address. */
function normalizeHost(host: string): string {
  if (!host.includes(":")) return host.toLowerCase();
  const [head, tail = ""] = host.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = host.includes("::")
    ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right]
    : left;
  return groups.map((g) => parseInt(g || "0", 16).toString(16)).join(":");
}

function isIp(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(":");
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await crypto.subtle.exportKey("pkcs8", key), "PRIVATE KEY");
}

function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] &= 0x7f; // positive
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function yearsAfter(date: Date, years: number): Date {
  const d = new Date(date);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}

async function readPair(dir: string, name: string): Promise<Pair | undefined> {
  try {
    return {
      certPem: await Deno.readTextFile(`${dir}/${name}.crt`),
      keyPem: await Deno.readTextFile(`${dir}/${name}.key`),
    };
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

async function writePair(dir: string, name: string, pair: Pair) {
  await Deno.writeTextFile(`${dir}/${name}.key`, pair.keyPem, { mode: 0o600 });
  await Deno.chmod(`${dir}/${name}.key`, 0o600);
  await Deno.writeTextFile(`${dir}/${name}.crt`, pair.certPem, { mode: 0o644 });
}
