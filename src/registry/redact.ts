/**
 * Keeps secrets out of messages: URLs lose their credentials and any query
 * parameter that may carry a token (go-containerregistry internal/redact).
 */

const secretParameters =
  /^(access_token|token|refresh_token|password|code|signature|x-amz-signature|x-amz-credential|sig)$/i;

/** `url` without user info and with secret-looking query values replaced. */
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
    if (secretParameters.test(key)) parsed.searchParams.set(key, "REDACTED");
  }
  return parsed.toString();
}
