/**
 * The human output of `describe`, laid out as `oc describe is` lays it out
 * (openshift/oc pkg/helpers/describe: DescribeImageStream,
 * formatImageStreamTags): `Key: value` header lines, then one block per tag
 * with where it comes from, how it is imported, and its status history
 * newest first, each item's age as kubectl prints ages. Pure: the clock's
 * reading is an argument.
 */
import { humanDuration } from "../reconcile/human-duration.ts";
import { alignColumns } from "./columns.ts";
import { humanSize, keyValueLines } from "./inspect-render.ts";
import {
  sourceDisplayName,
  type DescribedImage,
  type DescribedStream,
  type DescribedTag,
  type StreamDescription,
} from "./stream-description.ts";

/** Width of the header's key column: "Image Repository:" and two spaces. */
const headerWidth = 19;
/** Width of the registry image's key column: "Media Type:" and two spaces. */
const imageWidth = 13;

/** The whole description, ending in a newline. */
export function renderDescription(description: StreamDescription, now: Date): string {
  const blocks = [
    headerLines(description.stream),
    ...description.tags.map((tag) => tagLines(description.stream, tag, now)),
  ];
  return blocks.map((lines) => lines.join("\n") + "\n").join("\n");
}

/** How long before `now` the RFC 3339 `time` was, e.g. "3d ago"; the text itself if it is no time. */
export function ago(time: string, now: Date): string {
  const then = Date.parse(time);
  return Number.isNaN(then) ? time : `${humanDuration(now.getTime() - then)} ago`;
}

function headerLines(stream: DescribedStream): string[] {
  const field = (key: string, values: readonly string[]): string[] =>
    keyValueLines(key, values.length === 0 ? ["<none>"] : values, headerWidth);
  const { description, ...annotations } = stream.annotations;
  return [
    ...field("Name", [stream.name]),
    ...field("Namespace", [stream.namespace]),
    ...field("File", [`${stream.file}:${String(stream.line)}`]),
    ...field("Labels", pairs(stream.labels)),
    ...(description === undefined ? [] : field("Description", [description])),
    ...field("Annotations", pairs(annotations)),
    ...field("Image Repository", stream.imageRepository === null ? [] : [stream.imageRepository]),
    ...field("Image Lookup", [`local=${String(stream.lookupLocal)}`]),
    ...field("Unique Images", [String(stream.uniqueImages)]),
    ...field("Tags", [String(stream.tagCount)]),
  ];
}

function tagLines(stream: DescribedStream, tag: DescribedTag, now: Date): string[] {
  const lines = [tag.name, `  ${sourceLine(stream, tag)}`];
  lines.push(...importLines(tag).map((line) => `    ${line}`), "");
  const about = aboutLines(tag.annotations);
  if (about.length > 0) lines.push(...about, "");
  for (const condition of tag.conditions) {
    if (condition.status !== "False") continue;
    const reason = condition.reason === undefined ? "" : `${condition.reason}: `;
    lines.push(`  ! ${condition.type}: ${reason}${condition.message ?? ""}`.trimEnd());
    if (condition.lastTransitionTime !== undefined)
      lines.push(`      ${ago(condition.lastTransitionTime, now)}`);
  }
  if (tag.items.length === 0) lines.push("  no image imported yet");
  tag.items.forEach((item, i) => {
    lines.push(`  ${i === 0 ? "*" : " "} ${item.dockerImageReference}`);
    // Like oc, the image ID too when the pull spec does not end in it (a tag, or a Local rewrite).
    const id = item.image !== "" && !item.dockerImageReference.endsWith(`@${item.image}`);
    lines.push(`      ${ago(item.created, now)}${id ? `  ${item.image}` : ""}`);
  });
  if (tag.image !== undefined) lines.push("", "  Registry image:", ...imageLines(tag.image, now));
  if (tag.error !== undefined)
    lines.push("", `  ! error: cannot read the image from the registry: ${tag.error.message}`);
  return lines;
}

/** The first line under the tag's name: where its image comes from. */
function sourceLine(stream: DescribedStream, tag: DescribedTag): string {
  const { source } = tag;
  if (tag.kind === "status-only") return "status only (no spec tag; remove with tag -d)";
  if (source === null) return "tag without source image";
  const name = sourceDisplayName(stream, source);
  switch (tag.kind) {
    case "imported":
      return tag.scheduled ? `updates automatically from registry ${name}` : `tagged from ${name}`;
    case "tracking":
      return `tracks ${name}`;
    case "pinned":
      return `pinned to ${name}`;
    case "reference": {
      const what = { DockerImage: "registry ", ImageStreamTag: "", ImageStreamImage: "image " };
      return `reference to ${what[source.kind]}${name}`;
    }
    case "cross-stream":
    case "spec-only":
      return `tagged from ${name}`;
  }
}

/** How the tag is imported and referenced, one fact a line. */
function importLines(tag: DescribedTag): string[] {
  const lines: string[] = [];
  if (tag.insecure) lines.push("will use insecure HTTPS or HTTP connections");
  if (tag.referencePolicy === "Local")
    lines.push("prefer registry pullthrough when referencing this tag");
  if (tag.importMode === "Legacy")
    lines.push(`import mode Legacy (${tag.legacyPlatform ?? "linux/amd64"})`);
  if (tag.importMode === "PreserveOriginal") lines.push("import mode PreserveOriginal");
  return lines;
}

/** The tag annotations `oc describe is` shows: the description and the catalogue hints. */
function aboutLines(annotations: Readonly<Record<string, string>>): string[] {
  const list = (text: string): string =>
    text
      .split(",")
      .map((s) => s.trim())
      .join(", ");
  const lines: string[] = [];
  const { description, tags, supports, sampleRepo } = annotations;
  if (description) lines.push(`  ${description}`);
  if (tags) lines.push(`  Tags: ${list(tags)}`);
  if (supports) lines.push(`  Supports: ${list(supports)}`);
  if (sampleRepo) lines.push(`  Example Repo: ${sampleRepo}`);
  return lines;
}

function imageLines(image: DescribedImage, now: Date): string[] {
  const field = (key: string, values: readonly string[]): string[] =>
    keyValueLines(key, values, imageWidth).map((line) => `    ${line}`);
  const index = image.platforms.length > 0;
  const count = image.layers;
  return [
    ...field("Digest", [image.digest]),
    ...field("Media Type", [image.mediaType]),
    ...(index
      ? field("Platforms", alignColumns(image.platforms.map((p) => [p.platform, p.digest])))
      : []),
    ...field("Platform", [
      index ? `${image.platform}  (what a Legacy import records)` : image.platform,
    ]),
    ...(image.created === undefined
      ? []
      : field("Created", [`${image.created} (${ago(image.created, now)})`])),
    ...field("Size", [
      `${humanSize(image.size)} in ${String(count)} layer${count === 1 ? "" : "s"}`,
    ]),
    ...field("Labels", pairs(image.labels).length === 0 ? ["<none>"] : pairs(image.labels)),
  ];
}

/** `key=value`, sorted by key as oc sorts them. */
function pairs(map: Readonly<Record<string, string>>): string[] {
  return Object.keys(map)
    .sort()
    .map((key) => `${key}=${map[key] ?? ""}`);
}
