// Where webhooks may point (worker/insights/notify/target.ts): every spelling of a loopback, link-local or
// private address the URL parser accepts is refused, public ones pass, and the deployment switch
// opens private ones for local testing. The workerd tests (tests/worker/notify-targets.test.ts) check
// the same through the API and the Notifier.
import { describe, expect, it } from "vitest";
import { checkTarget } from "./target.ts";

const refused = [
  // IPv4 loopback in every form the WHATWG parser accepts: dotted, decimal, octal, hex, short.
  "http://127.0.0.1/h",
  "http://127.1/h",
  "http://2130706433/h",
  "http://0177.0.0.1/h",
  "http://0x7f.0.0.1/h",
  "http://0x7f000001/h",
  "http://017700000001/h",
  "http://127.000.000.001/h",
  "http://0/h",
  "http://0.0.0.0/h",
  // Private, link-local (cloud metadata), CGNAT, multicast, broadcast.
  "http://10.1.2.3/h",
  "http://172.16.0.1/h",
  "http://172.31.255.255/h",
  "http://192.168.1.1/h",
  "http://169.254.169.254/latest/meta-data",
  "http://0xa9fea9fe/latest/meta-data",
  "http://100.64.0.1/h",
  "http://224.0.0.1/h",
  "http://255.255.255.255/h",
  // IPv6: loopback, unspecified, mapped and compatible IPv4, NAT64, 6to4, unique local, link-local.
  "http://[::1]/h",
  "http://[0:0:0:0:0:0:0:1]/h",
  "http://[::]/h",
  "http://[::ffff:127.0.0.1]/h",
  "http://[::ffff:7f00:1]/h",
  "http://[::ffff:10.0.0.1]/h",
  "http://[::ffff:a9fe:a9fe]/h",
  "http://[::127.0.0.1]/h",
  "http://[64:ff9b::a9fe:a9fe]/h",
  "http://[2002:7f00:1::]/h",
  "http://[fd00::1]/h",
  "http://[fc00::1]/h",
  "http://[fe80::1]/h",
  "http://[ff02::1]/h",
  // Names of this machine or a local network, in any case and with a trailing dot.
  "http://localhost/h",
  "http://LOCALHOST./h",
  "http://localhost:8787/h",
  "http://api.localhost/h",
  "http://printer.local/h",
  "http://metadata.google.internal/computeMetadata/v1/",
  "http://intranet/h",
  "https://ip6-localhost/h",
  // Not http(s), or with credentials.
  "ftp://example.com/h",
  "file:///etc/passwd",
  "https://user:pass@example.com/h",
];

const allowed = [
  "https://example.com/hooks/edgedesk",
  "http://93.184.216.34/h",
  "https://hooks.slack.com/services/T000/B000/abc",
  "http://[2606:4700:4700::1111]/h",
  "http://[::ffff:93.184.216.34]/h",
  "https://172.32.0.1/h", // just outside 172.16/12
  "https://localhost.example.com/h",
];

describe("webhook targets", () => {
  it.each(refused)("refuses %s", (url) => {
    expect(checkTarget(url, false).ok).toBe(false);
  });

  it.each(allowed)("allows %s", (url) => {
    expect(checkTarget(url, false)).toEqual({ ok: true });
  });

  it("allows private addresses only when the deployment says so, and never other schemes or credentials", () => {
    expect(checkTarget("http://127.0.0.1:9999/h", true)).toEqual({ ok: true });
    expect(checkTarget("http://[::1]/h", true)).toEqual({ ok: true });
    expect(checkTarget("file:///etc/passwd", true).ok).toBe(false);
    expect(checkTarget("http://u:p@127.0.0.1/h", true).ok).toBe(false);
    expect(checkTarget("http://10.0.0.1/h", false)).toEqual({
      ok: false,
      reason: "private, loopback and link-local addresses are not allowed",
    });
  });
});
