/**
 * Which proxy a request goes through, by the rules of Go's
 * golang.org/x/net/http/httpproxy (what docker, skopeo and oc follow):
 * HTTPS_PROXY for https URLs only, HTTP_PROXY for http URLs only, and
 * NO_PROXY as a comma-separated list of `*`, IP addresses, CIDR ranges and
 * domain names, each optionally with a port; `example.com` matches itself
 * and its subdomains, `.example.com` and `*.example.com` only subdomains.
 * One difference, kept on purpose: Go never proxies localhost and loopback
 * addresses, here NO_PROXY decides (as curl and undici do), so a proxy in
 * front of a local registry is honoured and testable.
 */
import { BlockList, isIP } from "node:net";

/** Proxy settings, as HTTP_PROXY/HTTPS_PROXY/NO_PROXY give them. */
export interface ProxySettings {
  readonly httpProxy?: string;
  readonly httpsProxy?: string;
  readonly noProxy?: string;
}

/** The proxy URL for `url`, or undefined to connect directly. */
export function proxyFor(url: URL, settings: ProxySettings): URL | undefined {
  const proxy = url.protocol === "https:" ? settings.httpsProxy : settings.httpProxy;
  if (proxy === undefined || proxy === "") return undefined;
  if (excluded(url, settings.noProxy ?? "")) return undefined;
  // A bare host:port is taken as http://host:port, as Go does.
  return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`);
}

/** Whether NO_PROXY exempts `url`. */
function excluded(url: URL, noProxy: string): boolean {
  const host = unbracket(url.hostname).toLowerCase();
  const port = url.port === "" ? (url.protocol === "https:" ? "443" : "80") : url.port;
  for (const raw of noProxy.split(",")) {
    const entry = raw.trim().toLowerCase();
    if (entry === "") continue;
    if (entry === "*") return true;
    if (entry.includes("/")) {
      if (inCidr(host, entry)) return true;
      continue;
    }
    const [entryHost, entryPort] = splitPort(entry);
    if (entryPort !== undefined && entryPort !== port) continue;
    if (isIP(entryHost) !== 0) {
      if (entryHost === host) return true;
      continue;
    }
    const domain = entryHost.startsWith("*.") ? entryHost.slice(1) : entryHost;
    if (domain.startsWith(".")) {
      if (host.endsWith(domain)) return true;
    } else if (host === domain || host.endsWith(`.${domain}`)) {
      return true;
    }
  }
  return false;
}

function inCidr(host: string, cidr: string): boolean {
  const [network, bits] = cidr.split("/");
  const family = network === undefined ? 0 : isIP(network);
  const prefix = Number(bits);
  if (network === undefined || family === 0 || isIP(host) !== family || !Number.isInteger(prefix))
    return false;
  const list = new BlockList();
  const type = family === 4 ? "ipv4" : "ipv6";
  try {
    list.addSubnet(network, prefix, type);
  } catch {
    return false;
  }
  return list.check(host, type);
}

/** `host:port` → [host, port]; IPv6 in brackets keeps its colons. */
function splitPort(entry: string): [string, string | undefined] {
  if (entry.startsWith("[")) {
    const end = entry.indexOf("]");
    const rest = entry.slice(end + 1);
    return [entry.slice(1, end), rest.startsWith(":") ? rest.slice(1) : undefined];
  }
  if (isIP(entry) === 6) return [entry, undefined];
  const colon = entry.lastIndexOf(":");
  return colon === -1 ? [entry, undefined] : [entry.slice(0, colon), entry.slice(colon + 1)];
}

function unbracket(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}
