/**
 * A registry session (or client) for tests: per-host settings from the
 * options, short retry delays, credentials from a plain map, and the
 * transport closed when the test ends.
 */
import type { TestContext } from "node:test";
import type { Credential } from "../../src/registry/auth.ts";
import { RegistryClient } from "../../src/registry/client.ts";
import { RegistrySession, type RegistrySessionOptions } from "../../src/registry/session.ts";
import { Transport } from "../../src/registry/transport.ts";

/** How the test talks to its registries. */
export interface TestSessionOptions {
  readonly insecure?: boolean;
  readonly ca?: string;
  /** Credentials by registry host. */
  readonly credentials?: Readonly<Record<string, Credential>>;
  /** Attempts per request (default 3). */
  readonly attempts?: number;
  /** Requests in flight per host (default 4). */
  readonly concurrency?: number;
}

/** What a session or client is built from, its transport closed when `t` ends. */
export function testSessionOptions(
  t: TestContext,
  options: TestSessionOptions = {},
): RegistrySessionOptions {
  const hostSettings = () => ({
    insecure: options.insecure ?? false,
    concurrency: options.concurrency ?? 4,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  });
  const transport = new Transport({
    hostSettings,
    retry: {
      attempts: options.attempts ?? 3,
      baseDelayMs: 5,
      maxDelayMs: 20,
      maxRetryAfterMs: 1000,
    },
    timeoutMs: 10_000,
  });
  const credentials = { lookup: (host: string) => Promise.resolve(options.credentials?.[host]) };
  t.after(() => transport.close());
  return { transport, credentials, hostSettings };
}

/** A session for the test. */
export function newTestSession(t: TestContext, options?: TestSessionOptions): RegistrySession {
  return new RegistrySession(testSessionOptions(t, options));
}

/** A client for the test. */
export function newTestClient(t: TestContext, options?: TestSessionOptions): RegistryClient {
  return new RegistryClient(testSessionOptions(t, options));
}
