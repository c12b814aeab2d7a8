// Where webhooks and Slack posts may go. An owner types the URL and the worker POSTs to it and records
// the answer's status: without this check a webhook is a way to make the worker call the machines
// around it (loopback, the cloud's metadata service at 169.254.169.254, a private network) and read
// what they say. Refused by default, in every spelling the URL parser and the resolver accept: IPv4 in
// decimal, octal, hex and short forms (the WHATWG parser turns them all into dotted quads), IPv6
// including IPv4-mapped, -compatible, NAT64 and 6to4 forms, and names that mean this machine or a
// local network. `NOTIFY_ALLOW_PRIVATE_URLS=true` lifts it, for local testing only.
//
// Names are not resolved here (workerd has no resolver API): a public name whose DNS points at a
// private address passes this check. Redirects are never followed (do.ts), so a public URL cannot
// bounce a delivery to a private one.
export type TargetCheck = { ok: true } | { ok: false; reason: string };

/** The deployment's switch (worker/env.ts); a structural type keeps this file free of the Workers types. */
export const allowPrivateTargets = (env: { NOTIFY_ALLOW_PRIVATE_URLS?: string | undefined }): boolean =>
  env.NOTIFY_ALLOW_PRIVATE_URLS === "true";

/** Names that resolve to this machine or a local network, and the single-label names a resolver's search list turns into internal hosts. */
const LOCAL_NAMES = ["localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", "broadcasthost"];
const LOCAL_SUFFIXES = [".localhost", ".local", ".localdomain", ".internal", ".intranet", ".lan", ".home.arpa"];

/** IPv4 ranges that are not the public internet (RFC 6890 and friends): [first octets as a number, prefix length]. */
const V4_BLOCKED: [string, number][] = [
  ["0.0.0.0", 8], // "this network"; 0.0.0.0 reaches the local host on Linux
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata services
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, and 255.255.255.255
];

function v4ToInt(ip: string): number | null {
  const parts = ip.split(".");
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = n * 256 + Number(p);
  }
  return n;
}

function v4Blocked(n: number): boolean {
  return V4_BLOCKED.some(([base, bits]) => {
    const b = v4ToInt(base) as number;
    const size = 2 ** (32 - bits);
    return n >= b && n < b + size;
  });
}

/** Eight 16-bit groups of an IPv6 address (as the URL parser prints it, or any valid spelling). */
function v6Groups(ip: string): number[] | null {
  let s = ip.toLowerCase();
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  // A trailing dotted quad (::ffff:1.2.3.4) is two groups.
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const v4 = v4ToInt(dotted[2] as string);
    if (v4 === null) return null;
    s = `${dotted[1]}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const parse = (h: string) => (h ? h.split(":") : []);
  const head = parse(halves[0] as string);
  const tail = halves.length === 2 ? parse(halves[1] as string) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? head.length !== 8 : missing < 1) return null;
  const all = [...head, ...Array.from({ length: halves.length === 2 ? missing : 0 }, () => "0"), ...tail];
  const groups = all.map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? Number.parseInt(g, 16) : Number.NaN));
  return groups.some(Number.isNaN) ? null : groups;
}

function v6Blocked(g: number[]): boolean {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, h6 = 0, h7 = 0] = g;
  const embedded = (hi: number, lo: number) => v4Blocked(hi * 65536 + lo);
  if (g.every((x) => x === 0)) return true; // ::
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0 && f === 0 && h6 === 0 && h7 === 1) return true; // ::1
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and IPv4-translated (::ffff:0:a.b.c.d).
  if (a === 0 && b === 0 && c === 0 && d === 0 && (e === 0 || e === 0xffff) && (f === 0 || f === 0xffff))
    return embedded(h6, h7);
  if (a === 0x64 && b === 0xff9b) return embedded(h6, h7); // NAT64 (64:ff9b::/96)
  if (a === 0x2002) return embedded(b, c); // 6to4 carries the IPv4 address in the next 32 bits
  if ((a & 0xfe00) === 0xfc00) return true; // unique local fc00::/7
  if ((a & 0xffc0) === 0xfe80 || (a & 0xffc0) === 0xfec0) return true; // link-local, old site-local
  if ((a & 0xff00) === 0xff00) return true; // multicast
  if (a === 0x2001 && b === 0x0db8) return true; // documentation
  if (a === 0x0100 && b === 0 && c === 0 && d === 0) return true; // discard-only 100::/64
  return false;
}

/** Whether `url` may receive deliveries. `allowPrivate` is the deployment's NOTIFY_ALLOW_PRIVATE_URLS. */
export function checkTarget(url: string, allowPrivate: boolean): TargetCheck {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, reason: "not a URL" };
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return { ok: false, reason: "not an http(s) URL" };
  if (u.username || u.password) return { ok: false, reason: "credentials in the URL are not allowed" };
  if (allowPrivate) return { ok: true };
  const refused = { ok: false as const, reason: "private, loopback and link-local addresses are not allowed" };
  const host = u.hostname.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[")) {
    const g = v6Groups(host.slice(1, -1));
    return !g || v6Blocked(g) ? refused : { ok: true };
  }
  const v4 = v4ToInt(host);
  if (v4 !== null) return v4Blocked(v4) ? refused : { ok: true };
  // The parser has turned every numeric IPv4 spelling into a dotted quad, so what is left is a name.
  if (!host.includes(".") || LOCAL_NAMES.includes(host) || LOCAL_SUFFIXES.some((s) => host.endsWith(s))) return refused;
  return { ok: true };
}
