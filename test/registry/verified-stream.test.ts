/**
 * verifiedStream on its own (no I/O): content passes through and the stream
 * ends only when size and digest match; otherwise it errors with a
 * DigestMismatchError instead of ending, and too much content fails as soon
 * as it passes the announced size.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, it } from "node:test";
import { DigestMismatchError } from "../../src/registry/errors.ts";
import {
  isVerifiedAs,
  passVerification,
  verifiedStream,
} from "../../src/registry/verified-stream.ts";

const content = Buffer.from("the quick brown fox jumps over the lazy dog\n".repeat(100));

function digestOf(algorithm: "sha256" | "sha512", bytes: Uint8Array): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest("hex")}`;
}

/** What went through before the end or the error, whether it ended cleanly, and the error. */
interface Outcome {
  readonly passed: Buffer;
  readonly ended: boolean;
  readonly error: unknown;
}

/** Streams `chunks` through a verifier for `expected` into a collecting sink. */
async function run(
  chunks: readonly Buffer[],
  expected: { digest: string; size: number },
): Promise<Outcome> {
  const passed: Buffer[] = [];
  const verified = verifiedStream(expected, "test blob");
  let ended = false;
  verified.on("end", () => {
    ended = true;
  });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      passed.push(chunk);
      callback();
    },
  });
  let error: unknown;
  try {
    await pipeline(Readable.from(chunks), verified, sink);
  } catch (err) {
    error = err;
  }
  return { passed: Buffer.concat(passed), ended, error };
}

/** `content` cut into chunks of `size` bytes. */
function chunked(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

function assertMismatch(error: unknown, want: string, bytesRead: number): void {
  assert.ok(
    error instanceof DigestMismatchError,
    `expected DigestMismatchError, got ${String(error)}`,
  );
  assert.equal(error.code, "DIGEST_MISMATCH");
  assert.equal(error.want, want);
  assert.equal(error.bytesRead, bytesRead);
}

describe("verifiedStream", () => {
  it("passes the right content through unchanged and ends", async () => {
    const expected = { digest: digestOf("sha256", content), size: content.length };
    const outcome = await run(chunked(content, 7), expected);
    assert.equal(outcome.error, undefined);
    assert.equal(outcome.ended, true);
    assert.deepEqual(outcome.passed, content);
  });

  it("errors instead of ending when one byte is flipped", async () => {
    const expected = { digest: digestOf("sha256", content), size: content.length };
    const flipped = Buffer.from(content);
    flipped[100] = (flipped[100] ?? 0) ^ 0x01;
    const outcome = await run(chunked(flipped, 64), expected);
    assertMismatch(outcome.error, expected.digest, content.length);
    assert.ok(outcome.error instanceof DigestMismatchError);
    assert.equal(outcome.error.got, digestOf("sha256", flipped));
    assert.equal(outcome.ended, false);
  });

  it("errors when the content is shorter than the size", async () => {
    const expected = { digest: digestOf("sha256", content), size: content.length };
    const short = content.subarray(0, content.length - 1);
    const outcome = await run(chunked(short, 64), expected);
    assertMismatch(outcome.error, expected.digest, short.length);
    assert.equal(outcome.ended, false);
  });

  // The timeout only turns a verifier that waits for the end (a hang) into a failure.
  it(
    "errors as soon as longer content passes the size, without waiting for the end",
    { timeout: 10_000 },
    async () => {
      const expected = { digest: digestOf("sha256", content), size: content.length };
      // A source that never ends: only a failure at the overflow itself lets the pipeline settle.
      const source = new Readable({
        read() {
          // Everything is pushed up front.
        },
      });
      source.push(content);
      source.push(Buffer.alloc(10, 0x61));
      const verified = verifiedStream(expected, "test blob");
      const passed: Buffer[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          passed.push(chunk);
          callback();
        },
      });
      await assert.rejects(pipeline(source, verified, sink), (err: unknown) => {
        assertMismatch(err, expected.digest, content.length + 10);
        assert.ok(err instanceof DigestMismatchError);
        assert.match(err.got, /more than 4400 bytes/);
        return true;
      });
      assert.deepEqual(Buffer.concat(passed), content, "nothing past the size goes through");
    },
  );

  it("checks only the digest when the size is unknown (negative)", async () => {
    const good = await run(chunked(content, 50), {
      digest: digestOf("sha256", content),
      size: -1,
    });
    assert.equal(good.error, undefined);
    assert.equal(good.ended, true);
    const bad = await run(chunked(content.subarray(1), 50), {
      digest: digestOf("sha256", content),
      size: -1,
    });
    assert.ok(bad.error instanceof DigestMismatchError);
  });

  it("verifies sha512 digests", async () => {
    const digest = digestOf("sha512", content);
    const good = await run(chunked(content, 33), { digest, size: content.length });
    assert.equal(good.error, undefined);
    assert.deepEqual(good.passed, content);
    const flipped = Buffer.from(content);
    flipped[0] = (flipped[0] ?? 0) ^ 0x80;
    const bad = await run(chunked(flipped, 33), { digest, size: content.length });
    assertMismatch(bad.error, digest, content.length);
  });

  it("refuses an unknown digest algorithm before any byte flows", () => {
    for (const digest of [`md5:${"0".repeat(32)}`, "sha256", `SHA256:${"0".repeat(64)}`]) {
      assert.throws(
        () => verifiedStream({ digest, size: 1 }, "test blob"),
        (err: unknown) => {
          assert.ok(err instanceof DigestMismatchError);
          assert.match(err.got, /unsupported digest algorithm/);
          return true;
        },
        digest,
      );
    }
  });
});

describe("isVerifiedAs", () => {
  const expected = { digest: digestOf("sha256", content), size: content.length };

  it("knows a verified stream, and one that passes its bytes on, by digest and size", () => {
    const verified = verifiedStream(expected, "blob");
    assert.ok(isVerifiedAs(verified, expected));
    assert.ok(!isVerifiedAs(verified, { ...expected, size: expected.size + 1 }));
    assert.ok(!isVerifiedAs(verified, { digest: digestOf("sha256", Buffer.from("x")), size: 1 }));
    const through = Readable.from([content]);
    assert.ok(!isVerifiedAs(through, expected));
    passVerification(verified, through);
    assert.ok(isVerifiedAs(through, expected));
    // Nothing is vouched for from a stream that was never verified.
    const plain = Readable.from([content]);
    const other = Readable.from([content]);
    passVerification(plain, other);
    assert.ok(!isVerifiedAs(other, expected));
  });
});
