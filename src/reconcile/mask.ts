/**
 * Masking of credentials in text that leaves the process: every secret a
 * run used (registry passwords and tokens, the forge and git tokens) is
 * replaced before a line is printed, logged or sent to a forge.
 */

/** Replaces every secret in text with `***`. */
export function masker(secrets: readonly string[]): (text: string) => string {
  return (text) => secrets.reduce((t, s) => (s === "" ? t : t.replaceAll(s, "***")), text);
}
