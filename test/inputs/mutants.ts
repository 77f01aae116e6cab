/**
 * A property-based generator of broken inputs: fast-check builds a valid
 * ImageStream (tags following registry images or each other, as
 * schemas/imagestream.schema.json allows) and maybe a workload whose
 * image.openshift.io/triggers annotation follows one of its tags
 * (schemas/triggers.schema.json), renders them as YAML while noting the line
 * of every node, and then breaks the file in exactly one place. Each case
 * knows what it broke: the diagnostic code it must produce and, where the
 * break is at a known node, that node's line; or that the change is valid
 * (a warning at most), so `validate` must exit 0.
 */
import fc from "fast-check";

/** One tag of the generated stream. */
interface Tag {
  readonly name: string;
  /** A registry reference, the index of a tag this one follows, or a tag by name. */
  readonly from:
    { readonly kind: "DockerImage" | "ImageStreamTag"; readonly name: string } | number;
  readonly scheduled: boolean | undefined;
  readonly policy: "Source" | "Local" | undefined;
}

/** The workload whose trigger follows a tag of the stream. */
interface Workload {
  readonly kind: "Deployment" | "StatefulSet" | "DaemonSet";
  readonly container: string;
  readonly tag: number;
  readonly byIndex: boolean;
}

/** What fast-check builds before anything is broken. */
export interface Model {
  readonly stream: string;
  readonly namespace: string;
  readonly tags: readonly Tag[];
  readonly workload: Workload | undefined;
}

/** A rendered file: its lines and the 1-based line of each named node. */
interface Rendered {
  readonly lines: string[];
  readonly at: Map<string, number>;
}

/** What the broken file must produce. */
export interface Expected {
  /** exit 2 with an error `code`, or exit 0 (`code` then names a warning, if any). */
  readonly exit: 0 | 2;
  readonly code: string | undefined;
  /** The lines one of which the diagnostic must be on; undefined where no one node is to blame. */
  readonly lines: readonly number[] | undefined;
}

/** One generated case. */
export interface Case {
  readonly mutation: string;
  readonly text: string;
  readonly strict: boolean;
  readonly expected: Expected;
}

const label = fc.stringMatching(/^[a-z0-9]{1,6}$/);
const hosts = ["quay.io", "registry.example.com:5000", "docker.io", "localhost:5000", "ghcr.io"];
const refTag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,9}$/);
const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const reference = fc
  .tuple(
    fc.constantFrom(...hosts),
    fc.array(label, { minLength: 1, maxLength: 3 }),
    fc.oneof(
      refTag.map((t) => `:${t}`),
      hex64.map((h) => `@sha256:${h}`),
    ),
  )
  .map(([host, path, suffix]) => `${host}/${path.join("/")}${suffix}`);
const tagName = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,8}$/);

const tags: fc.Arbitrary<Tag[]> = fc
  .uniqueArray(tagName, { minLength: 1, maxLength: 5 })
  .chain((names) =>
    fc.tuple(
      ...names.map((name, i) =>
        fc
          .record({
            alias: i === 0 ? fc.constant(false) : fc.boolean(),
            target: fc.nat({ max: Math.max(0, i - 1) }),
            ref: reference,
            scheduled: fc.option(fc.boolean(), { nil: undefined }),
            policy: fc.option(fc.constantFrom("Source" as const, "Local" as const), {
              nil: undefined,
            }),
          })
          .map((t): Tag => ({
            name,
            from: t.alias ? t.target : { kind: "DockerImage", name: t.ref },
            // Only tags following a registry image may be scheduled.
            scheduled: t.alias ? undefined : t.scheduled,
            policy: t.policy,
          })),
      ),
    ),
  );

/** Valid streams, with or without a triggered workload. */
export const models: fc.Arbitrary<Model> = fc
  .record({
    stream: fc.stringMatching(/^[a-z0-9]{1,8}(?:-[a-z0-9]{1,4})?$/),
    namespace: fc.constantFrom("demo", "team-a", "apps"),
    tags,
    workload: fc.option(
      fc.record({
        kind: fc.constantFrom("Deployment" as const, "StatefulSet" as const, "DaemonSet" as const),
        container: fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/),
        tag: fc.nat(),
        byIndex: fc.boolean(),
      }),
      { nil: undefined },
    ),
  })
  .map((m) => ({
    ...m,
    workload:
      m.workload === undefined ? undefined : { ...m.workload, tag: m.workload.tag % m.tags.length },
  }));

/** One trigger of the annotation, as JSON data. */
function triggerOf(model: Model, w: Workload): Record<string, unknown> {
  const tag = model.tags[w.tag]?.name ?? "";
  const selector = w.byIndex ? "[0]" : `[?(@.name=="${w.container}")]`;
  return {
    from: { kind: "ImageStreamTag", name: `${model.stream}:${tag}` },
    fieldPath: `spec.template.spec.containers${selector}.image`,
  };
}

/** A YAML double-quoted scalar (JSON's syntax is a subset of it). */
const quoted = (s: string): string => JSON.stringify(s);

/** Renders `model`, with `triggers` as the annotation's text when given. */
export function render(model: Model, triggers?: string): Rendered {
  const lines: string[] = [];
  const at = new Map<string, number>();
  const add = (line: string, name?: string): void => {
    lines.push(line);
    if (name !== undefined) at.set(name, lines.length);
  };
  add("apiVersion: image.openshift.io/v1", "apiVersion");
  add("kind: ImageStream", "kind");
  add("metadata:", "metadata");
  add(`  name: ${quoted(model.stream)}`, "stream.name");
  add(`  namespace: ${model.namespace}`, "stream.namespace");
  add("spec:", "spec");
  add("  tags:", "tags");
  for (const [i, tag] of model.tags.entries()) {
    add(`    - name: ${quoted(tag.name)}`, `tag.${String(i)}.name`);
    add("      from:", `tag.${String(i)}.from`);
    if (typeof tag.from === "number") {
      add("        kind: ImageStreamTag", `tag.${String(i)}.from.kind`);
      const target = model.tags[tag.from]?.name ?? "";
      add(`        name: ${quoted(target)}`, `tag.${String(i)}.from.name`);
    } else {
      add(`        kind: ${tag.from.kind}`, `tag.${String(i)}.from.kind`);
      add(`        name: ${quoted(tag.from.name)}`, `tag.${String(i)}.from.name`);
    }
    if (tag.scheduled !== undefined) {
      add("      importPolicy:");
      add(`        scheduled: ${String(tag.scheduled)}`, `tag.${String(i)}.scheduled`);
    }
    if (tag.policy !== undefined) {
      add("      referencePolicy:");
      add(`        type: ${tag.policy}`, `tag.${String(i)}.policy`);
    }
  }
  const w = model.workload;
  if (w !== undefined) {
    const json = triggers ?? JSON.stringify([triggerOf(model, w)]);
    add("---");
    add("apiVersion: apps/v1");
    add(`kind: ${w.kind}`, "workload.kind");
    add("metadata:");
    add("  name: web", "workload.name");
    add(`  namespace: ${model.namespace}`);
    add("  annotations:");
    // Single-quoted: the JSON holds double quotes and never a single one.
    add(`    image.openshift.io/triggers: '${json}'`, "annotation");
    add("spec:");
    add("  template:");
    add("    spec:");
    add("      containers:");
    add(`        - name: ${quoted(w.container)}`, "container.name");
    add("          image: quay.io/org/app:1.0", "container.image");
  }
  return { lines, at };
}

const text = (r: Rendered): string => `${r.lines.join("\n")}\n`;

/** The line of `name` in `r`; the generator names only nodes it rendered. */
function lineOf(r: Rendered, name: string): number {
  const line = r.at.get(name);
  if (line === undefined) throw new Error(`no node ${name} in the rendered file`);
  return line;
}

/** `r` with line `line` (1-based) replaced by `f` of it. */
function editLine(r: Rendered, line: number, f: (s: string) => string): string {
  const lines = [...r.lines];
  lines[line - 1] = f(lines[line - 1] ?? "");
  return `${lines.join("\n")}\n`;
}

/** `r` with `added` inserted after line `line`. */
function insertAfter(r: Rendered, line: number, added: string): string {
  const lines = [...r.lines];
  lines.splice(line, 0, added);
  return `${lines.join("\n")}\n`;
}

const invalid = (code: string, line: number | undefined): Expected => ({
  exit: 2,
  code,
  lines: line === undefined ? undefined : [line],
});

/** A reference to a registry image with one thing wrong, from a valid one. */
/** `r` without its tag or digest. */
const bare = (r: string): string => r.replace(/(?:@.*|:[^/:]*)$/, "");
const brokenReference = fc.constantFrom(
  (r: string) => r.replace(/\/([a-z0-9]+)/, (_, p: string) => `/${p.toUpperCase()}X`),
  (r: string) => `${bare(r)}:1:extra`,
  (r: string) => `${bare(r)}:-rc1`,
  (r: string) => r.replace(/\//, "//"),
  (r: string) => `${bare(r)}@sha256:${"a".repeat(63)}`,
  (r: string) => `${bare(r)}:${"t".repeat(129)}`,
  (r: string) => `${bare(r)}:a b`,
  (r: string) => `${bare(r)}@md5:${"0".repeat(32)}`,
);

/**
 * The indexes of `json`'s structural characters: brackets, braces, colons
 * and commas outside strings, and the quotes that open and close strings.
 * Deleting any one of them leaves text that is not JSON.
 */
export function structuralIndexes(json: string): number[] {
  const found: number[] = [];
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') {
        inString = false;
        found.push(i);
      }
    } else if (c === '"') {
      inString = true;
      found.push(i);
    } else if (c !== undefined && "[]{}:,".includes(c)) found.push(i);
  }
  return found;
}

/** Every way of breaking a model, each as an arbitrary of cases. */
const mutations: readonly ((m: Model) => fc.Arbitrary<Case> | undefined)[] = [
  // A scalar of the wrong type at a known node.
  (m) =>
    fc.nat({ max: m.tags.length - 1 }).chain((i) => {
      const r = render(m);
      const options: [string, string, string][] = [
        [`tag.${String(i)}.name`, "name: 1.5", "SCHEMA"],
      ];
      if (m.tags[i]?.scheduled !== undefined)
        options.push([`tag.${String(i)}.scheduled`, 'scheduled: "yes"', "SCHEMA"]);
      if (m.tags[i]?.policy !== undefined)
        options.push([`tag.${String(i)}.policy`, "type: 7", "SCHEMA"]);
      options.push([`tag.${String(i)}.from.kind`, "kind: Image", "SCHEMA"]);
      options.push(["stream.namespace", "namespace: {team: a}", "SCHEMA"]);
      return fc.constantFrom(...options).map(([node, replacement, code]) => {
        const line = lineOf(r, node);
        return {
          mutation: `wrong-type ${node}`,
          text: editLine(r, line, (s) =>
            s.replace(/\S.*$/, (old) => (old.startsWith("- ") ? `- ${replacement}` : replacement)),
          ),
          strict: false,
          expected: invalid(code, line),
        };
      });
    }),
  // An unknown field: a warning, an error with --strict.
  (m) =>
    fc
      .tuple(
        fc.constantFrom("metadata", "tag", "from", "top"),
        fc.nat({ max: m.tags.length - 1 }),
        fc.boolean(),
      )
      .map(([where, i, strict]) => {
        const r = render(m);
        const [after, indent] =
          where === "metadata"
            ? [lineOf(r, "stream.name"), "  "]
            : where === "tag"
              ? [lineOf(r, `tag.${String(i)}.name`), "      "]
              : where === "from"
                ? [lineOf(r, `tag.${String(i)}.from.name`), "        "]
                : [lineOf(r, "kind"), ""];
        const line = after + 1;
        const expected: Expected = strict
          ? invalid("UNKNOWN_FIELD", line)
          : { exit: 0, code: "UNKNOWN_FIELD", lines: [line] };
        return {
          mutation: `unknown-field ${where}${strict ? " --strict" : ""}`,
          text: insertAfter(r, after, `${indent}extraField: 1`),
          strict,
          expected,
        };
      }),
  // A registry reference broken in one character or part.
  (m) => {
    const docker = m.tags.flatMap((t, i) => (typeof t.from === "number" ? [] : [i]));
    if (docker.length === 0) return undefined;
    return fc.tuple(fc.constantFrom(...docker), brokenReference).map(([i, breakIt]) => {
      const tag = m.tags[i];
      const from = tag !== undefined && typeof tag.from !== "number" ? tag.from.name : "";
      const tags = m.tags.map((t, j) =>
        j === i ? { ...t, from: { kind: "DockerImage" as const, name: breakIt(from) } } : t,
      );
      const r = render({ ...m, tags });
      return {
        mutation: `bad-reference tag ${String(i)}`,
        text: text(r),
        strict: false,
        expected: invalid("INVALID_REFERENCE", lineOf(r, `tag.${String(i)}.from.name`)),
      };
    });
  },
  // A stream name Kubernetes refuses.
  (m) =>
    fc.constantFrom("My_App", "-app", "app.", "a".repeat(260)).map((name) => {
      const r = render({ ...m, stream: name, workload: undefined });
      return {
        mutation: "bad-stream-name",
        text: text(r),
        strict: false,
        expected: invalid("INVALID_NAME", lineOf(r, "stream.name")),
      };
    }),
  // A tag following a tag the stream does not have.
  (m) =>
    fc.nat({ max: m.tags.length - 1 }).map((i) => {
      const missing = { kind: "ImageStreamTag" as const, name: "no-such-tag" };
      const tags = m.tags.map((t, j) =>
        j === i ? { ...t, from: missing, scheduled: undefined } : t,
      );
      const r = render({ ...m, tags });
      return {
        mutation: `missing-alias-target tag ${String(i)}`,
        text: text(r),
        strict: false,
        expected: invalid("MISSING_TAG", lineOf(r, `tag.${String(i)}.from.name`)),
      };
    }),
  // Two tags following each other (or one following itself).
  (m) =>
    fc
      .tuple(fc.nat({ max: m.tags.length - 1 }), fc.nat({ max: m.tags.length - 1 }))
      .map(([i, j]) => {
        const tags = m.tags.map((t, k) =>
          k === i
            ? { ...t, from: j, scheduled: undefined }
            : k === j
              ? { ...t, from: i, scheduled: undefined }
              : t,
        );
        const r = render({ ...m, tags, workload: undefined });
        const lines = [
          lineOf(r, `tag.${String(i)}.from.name`),
          lineOf(r, `tag.${String(j)}.from.name`),
        ];
        return {
          mutation: `alias-cycle tags ${String(i)} ${String(j)}`,
          text: text(r),
          strict: false,
          expected: { exit: 2, code: "TAG_CYCLE", lines },
        };
      }),
  // Broken trigger JSON: one structural character deleted.
  (m) => {
    const w = m.workload;
    if (w === undefined) return undefined;
    const json = JSON.stringify([triggerOf(m, w)]);
    const structural = structuralIndexes(json);
    return fc.constantFrom(...structural).map((index) => {
      const r = render(m, json.slice(0, index) + json.slice(index + 1));
      return {
        mutation: `trigger-json delete ${json[index] ?? ""} at ${String(index)}`,
        text: text(r),
        strict: false,
        expected: invalid("TRIGGER_JSON", lineOf(r, "annotation")),
      };
    });
  },
  // A trigger that is valid JSON but wrong in one field.
  (m) => {
    const w = m.workload;
    if (w === undefined) return undefined;
    const trigger = triggerOf(m, w);
    const from = trigger["from"] as Record<string, string>;
    const cases: [string, unknown, string][] = [
      [
        "missing-tag",
        { ...trigger, from: { ...from, name: `${m.stream}:no-such-tag` } },
        "TRIGGER_MISSING_TAG",
      ],
      [
        "missing-stream",
        { ...trigger, from: { ...from, name: `nosuchstream:x` } },
        "TRIGGER_MISSING_TAG",
      ],
      ["docker-kind", { ...trigger, from: { ...from, kind: "DockerImage" } }, "TRIGGER_INVALID"],
      ["no-tag", { ...trigger, from: { ...from, name: m.stream } }, "TRIGGER_INVALID"],
      [
        "container-typo",
        {
          ...trigger,
          fieldPath: `spec.template.spec.containers[?(@.name=="${w.container}x")].image`,
        },
        "TRIGGER_NO_CONTAINER",
      ],
      [
        "index-out-of-range",
        { ...trigger, fieldPath: "spec.template.spec.containers[3].image" },
        "TRIGGER_NO_CONTAINER",
      ],
      ["pod-path", { ...trigger, fieldPath: "spec.containers[0].image" }, "TRIGGER_FIELD_PATH"],
      [
        "not-image",
        { ...trigger, fieldPath: "spec.template.spec.containers[0].name" },
        "TRIGGER_FIELD_PATH",
      ],
      ["field-path-number", { ...trigger, fieldPath: 7 }, "TRIGGER_INVALID"],
      ["not-array", trigger, "TRIGGER_INVALID"],
      ["duplicate", [trigger, trigger], "TRIGGER_DUPLICATE"],
    ];
    return fc.constantFrom(...cases).map(([name, value, code]) => {
      const json = JSON.stringify(Array.isArray(value) || name === "not-array" ? value : [value]);
      const r = render(m, json);
      return {
        mutation: `trigger ${name}`,
        text: text(r),
        strict: false,
        expected: invalid(code, lineOf(r, "annotation")),
      };
    });
  },
  // YAML syntax: a duplicated key, a tab, an unclosed flow sequence or quote.
  (m) =>
    fc
      .tuple(
        fc.constantFrom("duplicate-key", "tab", "unclosed-flow", "unclosed-quote"),
        fc.nat({ max: m.tags.length - 1 }),
      )
      .map(([how, i]) => {
        const r = render(m);
        const nameLine = lineOf(r, `tag.${String(i)}.from.name`);
        if (how === "duplicate-key") {
          return {
            mutation: `yaml ${how}`,
            text: insertAfter(r, nameLine, r.lines[nameLine - 1] ?? ""),
            strict: false,
            expected: invalid("YAML_SYNTAX", nameLine + 1),
          };
        }
        if (how === "tab") {
          return {
            mutation: `yaml ${how}`,
            text: editLine(r, nameLine, (s) => s.replace(/^ {8}/, "\t")),
            strict: false,
            expected: invalid("YAML_SYNTAX", undefined),
          };
        }
        const edit =
          how === "unclosed-flow"
            ? (s: string) => s.replace(/name: /, "name: [")
            : (s: string) => s.replace(/"$/, "");
        return {
          mutation: `yaml ${how}`,
          text: editLine(r, nameLine, edit),
          strict: false,
          expected: invalid("YAML_SYNTAX", undefined),
        };
      }),
  // Changes that keep the file valid: a comment, quotes swapped, a blank line.
  (m) =>
    fc.constantFrom("comment", "single-quotes", "blank-lines").map((how) => {
      const r = render(m);
      const line = lineOf(r, "stream.name");
      const t =
        how === "comment"
          ? insertAfter(r, line, "  # a comment, 'quoted' and \"double\"")
          : how === "blank-lines"
            ? insertAfter(r, lineOf(r, "tags"), "\n")
            : editLine(r, line, (s) => s.replace(/"([^"]*)"/, "'$1'"));
      return {
        mutation: `valid ${how}`,
        text: t,
        strict: false,
        expected: { exit: 0, code: undefined, lines: undefined },
      };
    }),
];

/** A valid model broken in one place (or left valid, where the case says so). */
export const cases: fc.Arbitrary<Case> = models.chain((m) => {
  const applicable = mutations.flatMap((f) => {
    const arbitrary = f(m);
    return arbitrary === undefined ? [] : [arbitrary];
  });
  return fc.oneof(...applicable);
});

/** The names of the mutations, for the run's log. */
export function mutationKind(c: Case): string {
  return c.mutation.split(" ")[0] ?? c.mutation;
}
