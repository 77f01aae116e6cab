/**
 * OpenShift's own pull-spec parser (openshift/library-go
 * pkg/image/reference/reference.go `Parse`; SEMANTICS.md §8.5), used for what
 * the API server validates: a DockerImage tag's `from.name`,
 * `spec.dockerImageRepository` and status `dockerImageReference`s.
 */
import { repositoryName } from "./format.ts";
import { LIBRARY_GO, readReference } from "./read-reference.ts";
import type { Reference } from "./reference.ts";

/**
 * A pull spec split the way OpenShift splits it. It is a {@link Reference}
 * (`domain` is library-go's Registry, `path` is `namespace/name`), plus
 * library-go's Namespace and Name.
 */
export interface PullSpec extends Reference {
  /** The first path segment when the path has more than one. */
  readonly namespace?: string;
  /** The path after the namespace; empty for a registry-only spec. */
  readonly name: string;
}

/**
 * Parses `input` as OpenShift's library-go does, as written (OS-1: no
 * defaulting; `nginx` is just name `nginx`). It differs from
 * {@link parseReference} (distribution/reference) in these ways:
 *
 * - OS-2 registry only: a single segment with a `.`, or starting with
 *   `localhost`, is a registry, not a name: `docker.io`,
 *   `registry.connect.redhat.com`, `localhost:5000` (domain
 *   `localhost:5000`, empty path, no tag). As in library-go, a tag written
 *   after such a registry stays part of the domain (`example.com:latest`);
 *   a digest stays in `digest`.
 * - OS-3 the registry is the first segment only when it contains `.` or `:`
 *   or is `localhost`. Otherwise it is the namespace, even when it is upper
 *   case: `Foo/bar` is namespace `Foo`, name `bar`, no domain (distribution
 *   makes `Foo` the domain), and `docker/docker` is namespace `docker`.
 * - OS-4 the 255-character limit counts the whole name, registry included
 *   (distribution counts the path only).
 * - No IPv6 hosts: `[::1]:5000/app` fails with `DOMAIN_INVALID`.
 * - Upper-case hex in a digest is accepted (OpenShift's go-digest copy
 *   predates the lower-case rule); algorithm and length are still checked.
 *
 * @throws ReferenceParseError with the reasons of {@link parseReference}
 *   except `HEX_NAME`.
 */
export function parseDockerImageReference(input: string): PullSpec {
  const ref = readReference(input, LIBRARY_GO);
  const full = repositoryName(ref);
  const slash = full.indexOf("/");
  const digest = ref.digest === undefined ? {} : { digest: ref.digest };
  if (slash === -1 && (full.includes(".") || full.startsWith("localhost"))) {
    const domain = ref.tag === undefined ? full : `${full}:${ref.tag}`;
    return { domain, path: "", name: "", ...digest };
  }
  const first = slash === -1 ? "" : full.slice(0, slash);
  const isRegistry = slash !== -1 && (/[:.]/.test(first) || first === "localhost");
  const path = isRegistry ? full.slice(slash + 1) : full;
  const split = path.indexOf("/");
  return {
    ...(isRegistry ? { domain: first } : {}),
    path,
    ...(split === -1 ? {} : { namespace: path.slice(0, split) }),
    name: path.slice(split + 1),
    ...(ref.tag === undefined ? {} : { tag: ref.tag }),
    ...digest,
  };
}
