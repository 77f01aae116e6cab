/**
 * Scenario 1, resolve: `plan` on a generated repository of 100 streams of
 * 10 tags (1,000 first imports, one manifest HEAD each) against a local
 * registry. Peer: `skopeo inspect` per tag, run on a sample and scaled.
 * Floor: a bare undici HEAD loop at plan's per-registry concurrency, in its
 * own process. Token requests are counted on a second run of ours against
 * a token-auth registry holding the same storage (TLS, anonymous pull
 * tokens from a token server in this process).
 */
import { cp, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { Agent } from "undici";
import { startRegistry, type Registry } from "../test/support/registry-server.ts";
import { startTokenRegistry, type TokenRegistry } from "../test/support/token-registry.ts";
import { benchScript, oursCommand, skopeoCommand } from "./copiers.ts";
import { keep, measure, requestsTo, rotation, type BenchContext } from "./context.ts";
import {
  BENCH_REGISTRY,
  streamRepo,
  tagNames,
  writeConfig,
  writeStreams,
} from "./generate-repo.ts";
import { progress } from "./log.ts";
import { summarize, type ScenarioResult, type Sample } from "./report.ts";
import { seedTags } from "./seed.ts";

const STREAMS = 100;
const TAGS_PER_STREAM = 10;
const TAGS = STREAMS * TAGS_PER_STREAM;
/** Tags skopeo inspects per run; its time is scaled by TAGS / SKOPEO_SAMPLE. */
const SKOPEO_SAMPLE = 20;
/** plan's default requests in flight per registry (config `concurrency`, default 8). */
const PARALLEL = 8;

const OURS = "ours: plan --json";
const OURS_TOKEN = "ours, token auth (TLS)";
const SKOPEO = `skopeo inspect per tag (${String(SKOPEO_SAMPLE)} sampled, ×${String(TAGS / SKOPEO_SAMPLE)})`;
const FLOOR = "floor: undici HEAD loop (process)";
const FLOOR_LOOP = "floor, loop alone (in-process clock)";
const METHODS = [OURS, SKOPEO, FLOOR, OURS_TOKEN] as const;
type Method = (typeof METHODS)[number];

interface Setup {
  readonly plain: Registry;
  readonly token: TokenRegistry;
  readonly plainRepo: string;
  readonly tokenRepo: string;
  readonly urlsFile: string;
  readonly sample: readonly string[];
}

/** What a plan run counted. */
interface PlanCounts {
  readonly imports: number;
  readonly registryRequests: number;
  readonly tokenRequests: number;
}

async function setUp(context: BenchContext): Promise<Setup> {
  const t = context.cleanups.asTestContext();
  const plain = await startRegistry(t);
  const dispatcher = new Agent();
  context.cleanups.after(() => dispatcher.close());
  const repos = Array.from({ length: STREAMS }, (_, i) => streamRepo(i));
  const tags = tagNames(TAGS_PER_STREAM);
  progress(`resolve: seeding ${String(TAGS)} tags in ${String(STREAMS)} repositories`);
  await seedTags({ url: plain.url, dispatcher }, repos, tags);
  const anyonePulls = (_user: string | undefined, scope: { actions: readonly string[] }) =>
    scope.actions.filter((a) => a === "pull");
  const token = await startTokenRegistry(t, {
    users: {},
    grant: anyonePulls,
    service: "bench-registry",
    issuer: "bench-issuer",
  });
  // Same content without pushing again: distribution's filesystem driver has no cache here.
  await cp(plain.storageDir, token.registry.storageDir, { recursive: true });
  const plainRepo = path.join(context.work, "resolve-plain");
  const tokenRepo = path.join(context.work, "resolve-token");
  for (const root of [plainRepo, tokenRepo]) {
    await mkdir(root, { recursive: true });
    await writeStreams(root, { streams: STREAMS, tagsPerStream: TAGS_PER_STREAM });
  }
  await writeConfig(plainRepo, { [BENCH_REGISTRY]: { location: plain.host, insecure: true } });
  await writeFile(path.join(tokenRepo, "ca.pem"), token.certs.ca.certPem);
  await writeConfig(tokenRepo, {
    [BENCH_REGISTRY]: { location: token.registry.host, ca: "ca.pem" },
    [token.tokens.host]: { ca: "ca.pem" },
  });
  const refs = repos.flatMap((repo) => tags.map((tag) => `${repo}:${tag}`));
  const urlsFile = path.join(context.work, "resolve-urls.json");
  const urls = refs.map((ref) => {
    const [repo = "", tag = ""] = ref.split(":");
    return `${plain.url}/v2/${repo}/manifests/${tag}`;
  });
  await writeFile(urlsFile, JSON.stringify(urls));
  const step = TAGS / SKOPEO_SAMPLE;
  const sample = refs.filter((_, i) => i % step === 0).map((ref) => `${plain.host}/${ref}`);
  return { plain, token, plainRepo, tokenRepo, urlsFile, sample };
}

async function runPlan(
  context: BenchContext,
  root: string,
  host: string,
  tokenHost?: string,
): Promise<{ sample: Sample; counts: PlanCounts }> {
  const command = oursCommand(context.isolation, ["plan", "--repo", root, "--json"]);
  const { sample, stdout } = await measure(command);
  const document = JSON.parse(stdout) as { summary: { import: number }; registries: unknown };
  const registryRequests = requestsTo(document.registries, host);
  const counts = {
    imports: document.summary.import,
    registryRequests,
    tokenRequests: tokenHost === undefined ? 0 : requestsTo(document.registries, tokenHost),
  };
  if (counts.imports !== TAGS) {
    throw new Error(`plan imported ${String(counts.imports)} tags, want ${String(TAGS)}`);
  }
  return { sample: { ...sample, requests: registryRequests }, counts };
}

/** skopeo inspect of each sampled tag in turn; one sample, scaled to every tag. */
async function runSkopeo(context: BenchContext, setup: Setup): Promise<Sample> {
  let seconds = 0;
  let cpuSeconds = 0;
  let peakRssMiB = 0;
  for (const ref of setup.sample) {
    const args = [
      "inspect",
      "--no-tags",
      "--tls-verify=false",
      "--no-creds",
      "--format",
      "{{.Digest}}",
      `docker://${ref}`,
    ];
    const { sample } = await measure(skopeoCommand(context.isolation, args));
    seconds += sample.seconds;
    cpuSeconds += sample.cpuSeconds ?? 0;
    peakRssMiB = Math.max(peakRssMiB, sample.peakRssMiB ?? 0);
  }
  const scale = TAGS / setup.sample.length;
  return { seconds: seconds * scale, cpuSeconds: cpuSeconds * scale, peakRssMiB };
}

/** Runs every method `context.runs` times, in rotating order. */
export async function runResolve(context: BenchContext): Promise<ScenarioResult> {
  const setup = await setUp(context);
  const samples = new Map<string, Sample[]>();
  const counts: PlanCounts[] = [];
  const tokenCounts: number[] = [];
  const tokenCountsOwn: number[] = [];
  for (let round = 1; round <= context.runs; round++) {
    for (const method of rotation<Method>(METHODS, round)) {
      if (method === OURS) {
        const run = await runPlan(context, setup.plainRepo, setup.plain.host);
        keep(samples, method, run.sample);
        counts.push(run.counts);
      } else if (method === OURS_TOKEN) {
        const before = setup.token.tokens.requests.length;
        const tokenHost = setup.token.tokens.host;
        const run = await runPlan(context, setup.tokenRepo, setup.token.registry.host, tokenHost);
        keep(samples, method, run.sample);
        tokenCounts.push(setup.token.tokens.requests.length - before);
        tokenCountsOwn.push(run.counts.tokenRequests);
      } else if (method === SKOPEO) {
        keep(samples, method, await runSkopeo(context, setup));
      } else {
        const script = benchScript(context.isolation, "head-floor.js", [
          String(PARALLEL),
          setup.urlsFile,
        ]);
        const { sample, stdout } = await measure(script);
        keep(samples, method, { ...sample, requests: TAGS });
        keep(samples, FLOOR_LOOP, { seconds: (JSON.parse(stdout) as { seconds: number }).seconds });
      }
      const last = samples.get(method)?.at(-1);
      progress(`resolve round ${String(round)}: ${method}: ${last?.seconds.toFixed(2) ?? "?"} s`);
    }
  }
  const rows = summarize([
    { method: OURS, role: "ours", samples: samples.get(OURS) ?? [] },
    { method: OURS_TOKEN, role: "info", samples: samples.get(OURS_TOKEN) ?? [] },
    { method: SKOPEO, role: "peer", samples: samples.get(SKOPEO) ?? [] },
    { method: FLOOR, role: "floor", samples: samples.get(FLOOR) ?? [] },
    { method: FLOOR_LOOP, role: "info", samples: samples.get(FLOOR_LOOP) ?? [] },
  ]);
  const ours = rows.find((r) => r.method === OURS);
  const requests = counts[0]?.registryRequests ?? Number.NaN;
  const tokens = tokenCounts[0] ?? Number.NaN;
  const vsFloor = ours?.vsFloor ?? Number.NaN;
  const fasterThanSkopeo = 1 / (ours?.vsPeer ?? Number.NaN);
  return {
    name: "resolve",
    title: `Resolve: plan of ${String(TAGS)} tags across ${String(STREAMS)} streams (first imports)`,
    tables: [{ caption: "resolve", rows }],
    facts: {
      "registry requests per tag (ours, anonymous)": (requests / TAGS).toFixed(3),
      "token requests per run (ours, token auth; counted by the token server)": tokens,
      "token requests per run (ours, its --json registries count of the token host)":
        tokenCountsOwn[0] ?? Number.NaN,
      "registry requests per tag (ours, token auth)": (
        (samples.get(OURS_TOKEN)?.[0]?.requests ?? Number.NaN) / TAGS
      ).toFixed(3),
    },
    notes: [
      `skopeo runs one process per tag on ${String(SKOPEO_SAMPLE)} tags spread over the streams; its time and CPU are multiplied by ${String(TAGS / SKOPEO_SAMPLE)}`,
      "ours with token auth: every manifest HEAD opens a TLS connection (undici does not reuse a socket after a HEAD)",
      `the floor does ${String(TAGS)} HEADs, ${String(PARALLEL)} in flight (plan's per-registry default), in a Node process of its own`,
    ],
    targets: [
      {
        scenario: "resolve",
        target: "resolve within 1.5× of the floor",
        measured: `${vsFloor.toFixed(2)}×`,
        met: vsFloor <= 1.5,
      },
      {
        scenario: "resolve",
        target: "resolve 20× faster than per-tag skopeo",
        measured: `${fasterThanSkopeo.toFixed(1)}× faster`,
        met: fasterThanSkopeo >= 20,
      },
    ],
  };
}
