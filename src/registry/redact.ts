/**
 * Keeps secrets out of messages: URLs lose their credentials, and every
 * query value except the distribution API's own parameters is replaced
 * (go-containerregistry internal/redact keeps an allow list too): signed
 * storage URLs carry tokens under names no deny list keeps up with
 * (X-Amz-Security-Token, X-Goog-Credential, Azure's sig/se, verify=).
 */

/** Query parameters of the distribution and token APIs that carry no secret. */
const publicParameters = new Set([
  "scope",
  "service",
  "account",
  "mount",
  "from",
  "digest",
  "n",
  "last",
  "artifacttype",
]);

/** `url` without user info and with every non-API query value replaced. */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "<invalid URL>";
  }
  parsed.username = "";
  parsed.password = "";
  for (const key of [...parsed.searchParams.keys()]) {
    if (!publicParameters.has(key.toLowerCase())) parsed.searchParams.set(key, "REDACTED");
  }
  return parsed.toString();
}
