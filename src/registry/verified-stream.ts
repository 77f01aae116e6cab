/**
 * Content verified while it streams (go-containerregistry internal/verify):
 * bytes pass through as they arrive, and the stream ends only when their
 * count and hash match the descriptor. Otherwise it errors with a
 * DigestMismatchError instead of ending, so a consumer that commits only on
 * a clean end (a temporary file renamed, an upload finished with `?digest=`)
 * never keeps unverified content. More bytes than announced fail at once.
 */
import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { DigestMismatchError } from "./errors.ts";

/** The algorithms OCI registers for digests, by their digest prefix. */
const algorithms: Readonly<Record<string, string>> = {
  sha256: "sha256",
  sha384: "sha384",
  sha512: "sha512",
};

/** What the content must be. A negative size means unknown: only the digest is checked. */
export interface ExpectedContent {
  readonly digest: string;
  readonly size: number;
}

/**
 * Streams that end only if their content is the one recorded here: what a
 * copy reads from one registry and sends to another is hashed once, on the
 * way in, not again on the way out.
 */
const verifiedContent = new WeakMap<object, ExpectedContent>();

/** A pass-through stream that fails unless the content is `expected`; `what` names it in errors. */
export function verifiedStream(expected: ExpectedContent, what: string): Transform {
  const algorithm = algorithms[expected.digest.slice(0, expected.digest.indexOf(":"))];
  if (algorithm === undefined) {
    throw new DigestMismatchError(what, expected.digest, "an unsupported digest algorithm", 0);
  }
  const stream = new VerifyingTransform(createHash(algorithm), expected, what);
  verifiedContent.set(stream, { digest: expected.digest, size: expected.size });
  return stream;
}

/** Whether `stream` ends only if its content is `expected` (a verifiedStream, or one passed on from it). */
export function isVerifiedAs(stream: object, expected: ExpectedContent): boolean {
  const known = verifiedContent.get(stream);
  return known !== undefined && known.digest === expected.digest && known.size === expected.size;
}

/**
 * Records that `through`, which passes `from`'s bytes on unchanged and
 * errors when `from` errors (a pipeline), ends only if `from` does.
 */
export function passVerification(from: object, through: object): void {
  const known = verifiedContent.get(from);
  if (known !== undefined) verifiedContent.set(through, known);
}

class VerifyingTransform extends Transform {
  readonly #hash: Hash;
  readonly #expected: ExpectedContent;
  readonly #what: string;
  #size = 0;

  constructor(hash: Hash, expected: ExpectedContent, what: string) {
    super();
    this.#hash = hash;
    this.#expected = expected;
    this.#what = what;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#size += chunk.length;
    if (this.#expected.size >= 0 && this.#size > this.#expected.size) {
      callback(this.#mismatch(`more than ${String(this.#expected.size)} bytes`));
      return;
    }
    this.#hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const prefix = this.#expected.digest.slice(0, this.#expected.digest.indexOf(":") + 1);
    const got = `${prefix}${this.#hash.digest("hex")}`;
    if (this.#expected.size >= 0 && this.#size !== this.#expected.size) {
      callback(this.#mismatch(got));
    } else if (got !== this.#expected.digest) {
      callback(this.#mismatch(got));
    } else {
      callback();
    }
  }

  #mismatch(got: string): DigestMismatchError {
    return new DigestMismatchError(this.#what, this.#expected.digest, got, this.#size);
  }
}
