/**
 * The end-to-end half of the randomized history test: plays a resolved history (history-model.ts)
 * through the bundled action as the runner would (plan on the pull request, merge, apply on the
 * push, "Re-run failed jobs" while it fails), with the history's faults armed, and checks the
 * invariants after every run and every step. A broken invariant throws a `HistoryFailure` that
 * says which step, which run and why.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { loadCatalogFile, specToConnector } from '../../src/emulator/catalog.js';
import type { FaultRule } from '../../src/emulator/faults.js';
import type { JarCatalog } from '../../src/emulator/server.js';
import type { LiveConnector } from '../../src/model.js';
import { PROJECT_ROOT, type RunResult } from '../../scripts/local-runner.js';
import { check } from './drift.js';
import { everythingOnGitHub, everythingWritten, leaks } from './fault-kit.js';
import { environmentOf, planLineOf, recordedConnectors, recordLineOf } from './record.js';
import { merge } from './review.js';
import {
  FAULTS,
  type FaultChoice,
  type FaultKind,
  type HistoryBudget,
  NAMESPACES,
  type Step,
  definitionFiles,
  describeFault,
  describeHistory,
  expectedIn,
  historyArb,
  prOf,
  resolveHistory,
  shaOf,
  touchedBy,
} from './history-model.js';
import { ACCESS_KEY_SECRET, GITHUB_TOKEN, OWNER, REPO, WS, type World, prPayload, startWorld } from './world.js';

/** Tiny bounds: a fault costs at most a few seconds, and a hang is caught by `KILL_AFTER_MS`. */
export const HISTORY_INPUTS: Readonly<Record<string, string>> = {
  'request-timeout': '1s',
  timeout: '3s',
  settle: '1s',
  'max-retries': '2',
};

/** "Re-run failed jobs" this many times at most (faults are cleared before each re-run). */
export const MAX_RERUNS = 2;
const KILL_AFTER_MS = 60_000;
const SECRETS = { 'access-key-secret': ACCESS_KEY_SECRET, 'github-token': GITHUB_TOKEN };

/** A broken invariant, with the history so far and the log of the run that broke it. */
export class HistoryFailure extends Error {}

interface Context {
  readonly world: World;
  readonly catalog: JarCatalog;
  readonly steps: readonly Step[];
  readonly trace: string[];
}

/** Plays the history in a fresh world; throws a HistoryFailure at the first broken invariant. */
export async function playHistory(steps: readonly Step[]): Promise<void> {
  const world = await startWorld({ checkReview: true, inputs: { ...HISTORY_INPUTS } });
  const { catalog } = await loadCatalogFile(join(PROJECT_ROOT, '__fixtures__/catalog/catalog.yaml'));
  const ctx: Context = { world, catalog, steps, trace: [] };
  try {
    world.github.pushCommits(OWNER, REPO, [{ sha: shaOf('merge', 0), message: 'Initial commit' }]);
    for (const step of steps) await playStep(ctx, step);
    if (process.env.HISTORY_VERBOSE === '1') console.log(`history:\n${describeHistory(steps)}\nruns:\n  ${ctx.trace.join('\n  ')}`);
  } finally {
    await world.close();
  }
}

async function playStep(ctx: Context, step: Step): Promise<void> {
  const { world } = ctx;
  const pr = prOf(step.index);
  const mergeSha = shaOf('merge', step.index + 1);
  const before = snapshot(world);
  const touched = touchedBy(step);

  await writeDefinitions(world, step.after);

  // The plan on the pull request: it changes nothing, whatever happens to it.
  arm(ctx, step, 'plan');
  const planned = await untilSucceeds(ctx, step, 'plan', (attempt) =>
    world.plan({ pr, payload: prPayload(pr, shaOf('head', step.index + 1)), env: { GITHUB_RUN_ATTEMPT: String(attempt) }, killAfterMs: KILL_AFTER_MS }),
    (run) => expectUnchanged(ctx, step, run, before, new Set()),
  );
  if (!planned) fail(ctx, step, `the plan on PR #${pr} still failed after ${MAX_RERUNS} re-runs without faults`);
  disarm(world);

  // Merged as a squash commit; the push runs the apply, and failed applies are re-run.
  merge(world, pr, mergeSha);
  arm(ctx, step, 'apply');
  const pushed = { ref: 'refs/heads/main', before: shaOf('merge', step.index), after: mergeSha, repository: { full_name: `${OWNER}/${REPO}`, default_branch: 'main', name: REPO, owner: { login: OWNER } } };
  const applied = await untilSucceeds(ctx, step, 'apply', (attempt) =>
    world.apply({ sha: mergeSha, payload: pushed, env: { GITHUB_RUN_ATTEMPT: String(attempt) }, killAfterMs: KILL_AFTER_MS }),
    (run) => expectUnchanged(ctx, step, run, before, touched),
  );
  disarm(world);
  if (!applied) fail(ctx, step, `the apply of ${mergeSha.slice(0, 7)} still failed after ${MAX_RERUNS} re-runs without faults`);

  expectWorkspace(ctx, step);
  await expectRecordAgrees(ctx, step, mergeSha);
  expectOneCommentPerPull(ctx, step);
  const onGitHub = leaks(everythingOnGitHub(world.github, ctx.steps.slice(0, step.index + 1).map((s) => prOf(s.index))), SECRETS);
  if (onGitHub.length > 0) fail(ctx, step, `a secret (${onGitHub.join(', ')}) was written to GitHub`);
}

/**
 * Runs `run` until it exits 0, at most 1 + MAX_RERUNS times; faults are cleared before each re-run.
 * Every attempt is checked by `each` and for secrets and hangs. The successful run, or undefined.
 */
async function untilSucceeds(
  ctx: Context,
  step: Step,
  what: 'plan' | 'apply',
  run: (attempt: number) => Promise<RunResult>,
  each: (run: RunResult) => void,
): Promise<RunResult | undefined> {
  for (let attempt = 1; attempt <= 1 + MAX_RERUNS; attempt++) {
    if (attempt > 1) disarm(ctx.world);
    const started = performance.now();
    const result = await run(attempt);
    ctx.trace.push(`PR #${prOf(step.index)} ${what} (attempt ${attempt}, ${seconds(started)}): exit ${result.exitCode}${result.exitCode === 0 ? '' : `: ${firstError(result)}`}`);
    if (result.exitCode === 128) fail(ctx, step, `the ${what} (attempt ${attempt}) hung and was killed after ${KILL_AFTER_MS} ms`, result);
    const leaked = leaks(everythingWritten(result), SECRETS);
    if (leaked.length > 0) fail(ctx, step, `the ${what} (attempt ${attempt}) printed a secret (${leaked.join(', ')})`, result);
    each(result);
    if (result.exitCode === 0) return result;
  }
  return undefined;
}

const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(1)} s`;

function firstError(run: RunResult): string {
  const error = run.annotations.find((a) => a.level === 'error')?.message ?? run.stderr.trim().split('\n').at(-1) ?? '';
  return error.split('\n')[0]?.slice(0, 200) ?? '';
}

/** Writes the definitions of `defs` as the checkout's only definition files. */
async function writeDefinitions(world: World, defs: Step['after']): Promise<void> {
  await rm(join(world.repo, 'connectors'), { recursive: true, force: true });
  await world.write(definitionFiles(defs));
}

type Snapshot = ReadonlyMap<string, LiveConnector>;

/**
 * Every connector in the workspace, by `namespace/name`. The emulator keeps the object it
 * registered until the connector is deleted, so the same object means it was never deleted since.
 */
function snapshot(world: World): Snapshot {
  return new Map(NAMESPACES.flatMap((ns) => world.emulator.connectors(WS, ns).map((c) => [`${ns}/${c.name}`, c] as const)));
}

/** No connector outside `touched` was deleted (or deleted and registered again), and none appeared. */
function expectUnchanged(ctx: Context, step: Step, run: RunResult, before: Snapshot, touched: ReadonlySet<string>): void {
  const now = snapshot(ctx.world);
  for (const [key, connector] of before) {
    if (touched.has(key)) continue;
    if (now.get(key) !== connector) fail(ctx, step, `${key} was ${now.has(key) ? 'deleted and registered again' : 'deleted'}, though PR #${prOf(step.index)} does not change it`, run);
  }
  for (const key of now.keys()) {
    if (!before.has(key) && !touched.has(key)) fail(ctx, step, `${key} appeared, though PR #${prOf(step.index)} does not declare it there`, run);
  }
}

/** Each namespace holds exactly the declared connectors, each as its declared JAR provides it. */
function expectWorkspace(ctx: Context, step: Step): void {
  for (const ns of NAMESPACES) {
    const live = ctx.world.emulator.connectors(WS, ns);
    const expected = expectedIn(step.after, ns);
    const liveNames = live.map((c) => c.name).sort();
    if (JSON.stringify(liveNames) !== JSON.stringify(expected.map((e) => e.name))) {
      fail(ctx, step, `${ns} holds [${liveNames.join(', ')}], the definitions declare [${expected.map((e) => e.name).join(', ')}]`);
    }
    for (const { name, jar } of expected) {
      const connector = live.find((c) => c.name === name);
      const spec = ctx.catalog[jar]?.find((s) => (s.name ?? s.type) === name);
      if (!spec || !connector) continue;
      if (JSON.stringify(comparable(connector)) !== JSON.stringify(comparable(specToConnector(spec)))) {
        fail(ctx, step, `${ns}/${name} is not what ${jar} provides: ${JSON.stringify(comparable(connector))}`);
      }
    }
  }
}

function comparable(c: LiveConnector): Omit<LiveConnector, 'creator' | 'creatorName' | 'modifier' | 'modifierName'> {
  const { name, type, source, sink, lookup, properties, supportedFormats, dependencies } = c;
  return { name, type, source, sink, lookup, properties, supportedFormats: [...supportedFormats].sort(), dependencies: [...dependencies].sort() };
}

/**
 * The record agrees with the workspace: a fresh plan of the merged commit says "No changes." with no
 * record-only change, a drift check finds none, and each namespace's record lists the declared JARs.
 */
async function expectRecordAgrees(ctx: Context, step: Step, mergeSha: string): Promise<void> {
  const { world } = ctx;
  const settled = snapshot(world);
  // Both only read: run side by side.
  const started = performance.now();
  const [fresh, drift] = await Promise.all([
    world.apply({ sha: mergeSha, inputs: { command: 'plan' }, killAfterMs: KILL_AFTER_MS }),
    check(world, { killAfterMs: KILL_AFTER_MS }),
  ]);
  ctx.trace.push(`PR #${prOf(step.index)} fresh plan and drift check (${seconds(started)}): exit ${fresh.exitCode}, ${planLineOf(fresh) ?? 'no plan line'}; exit ${drift.exitCode}, drift ${drift.outputs.drift}`);
  if (fresh.exitCode !== 0 || planLineOf(fresh) !== 'No changes.' || recordLineOf(fresh) !== undefined) {
    fail(ctx, step, `a fresh plan after the apply is not "No changes.": ${planLineOf(fresh) ?? `exit ${fresh.exitCode}`} ${recordLineOf(fresh) ?? ''}`, fresh);
  }
  if (drift.exitCode !== 0 || drift.outputs.drift !== 'false') fail(ctx, step, `a drift check after the apply found drift (exit ${drift.exitCode}, drift ${drift.outputs.drift})`, drift);
  for (const run of [fresh, drift]) {
    const leaked = leaks(everythingWritten(run), SECRETS);
    if (leaked.length > 0) fail(ctx, step, `a plan or check printed a secret (${leaked.join(', ')})`, run);
  }
  // Reads change nothing.
  const after = snapshot(world);
  if (after.size !== settled.size || [...after].some(([key, c]) => settled.get(key) !== c)) fail(ctx, step, 'the fresh plan or the drift check changed the workspace');
  for (const ns of NAMESPACES) {
    const recorded = Object.entries(recordedConnectors(world, environmentOf(WS, ns)))
      .map(([name, entry]) => `${name}@${entry.jarUrl}`)
      .sort();
    const declared = expectedIn(step.after, ns).map((e) => `${e.name}@${e.jar}`);
    if (JSON.stringify(recorded) !== JSON.stringify(declared)) {
      fail(ctx, step, `the record of ${ns} lists [${recorded.join(', ')}], the definitions declare [${declared.join(', ')}]`);
    }
  }
}

/** Every pull request so far carries exactly one comment (the action's, updated in place). */
function expectOneCommentPerPull(ctx: Context, step: Step): void {
  for (const s of ctx.steps.slice(0, step.index + 1)) {
    const count = ctx.world.github.comments(OWNER, REPO, prOf(s.index)).length;
    if (count !== 1) fail(ctx, step, `PR #${prOf(s.index)} has ${count} comments, not 1`);
  }
}

/** Arms the faults of `phase` for the next run. */
function arm(ctx: Context, step: Step, phase: 'plan' | 'apply'): void {
  for (const fault of step.faults.filter((f) => FAULTS[f.kind].phase === phase)) {
    const rule = cloudRule(fault);
    if (rule) ctx.world.emulator.injectFault(rule);
    else armGitHub(ctx.world, fault);
  }
}

function disarm(world: World): void {
  world.emulator.clearFaults();
  for (const route of ['deployments', 'comments'] as const) world.github.allow(route);
}

/** The emulator rule of a cloud fault; undefined for a GitHub one. */
function cloudRule(f: FaultChoice): FaultRule | undefined {
  const scope = { action: f.action, namespace: f.namespace, workspaceId: WS, times: f.times };
  switch (f.kind) {
    case 'gateway-503':
      return { ...scope, kind: 'http', status: 503, code: 'ServiceUnavailable', body: 'gateway' };
    case 'plan-list-503':
      return { ...scope, action: 'ListCustomConnectors', kind: 'http', status: 503, code: 'ServiceUnavailable', body: 'gateway' };
    case 'html-502':
      return { ...scope, kind: 'http', status: 502, code: 'BadGateway', body: 'html' };
    case 'envelope-500':
      return { ...scope, kind: 'http', status: 500, code: 'InternalError', body: 'envelope' };
    case 'error-after-acting':
      return { ...scope, kind: 'http', status: 500, code: 'InternalError', afterServing: true };
    case 'reset-before':
      return { ...scope, kind: 'reset' };
    case 'reset-after':
      return { ...scope, kind: 'lost-response' };
    case 'slow':
      return { ...scope, kind: 'slow', delayMs: 300, acts: true };
    case 'timeout-acted':
      return { ...scope, kind: 'slow', delayMs: 1_500, acts: true };
    case 'timeout-not-acted':
      return { ...scope, kind: 'slow', delayMs: 1_500, acts: false };
    case 'throttled':
      return { ...scope, kind: 'http', status: 429, code: 'Throttling.User', retryAfterSeconds: 0.2 };
    case 'record-write-fails':
    case 'record-read-fails':
    case 'comment-write-fails':
    case 'comment-update-fails':
      return undefined;
  }
}

function armGitHub(world: World, f: FaultChoice): void {
  const options = { after: f.after, afterServing: f.afterServing };
  // GitHub calls are retried a few times: 3 or 4 chosen means the write keeps failing for the run.
  const times = f.times > 2 ? 10 : f.times;
  switch (f.kind) {
    case 'record-write-fails':
      return world.github.failNext('deployments', 500, times, 'POST', options);
    case 'record-read-fails':
      return world.github.failNext('deployments', 500, times, 'GET', { after: f.after });
    case 'comment-write-fails':
      return world.github.failNext('comments', 500, times, 'POST', { afterServing: f.afterServing });
    case 'comment-update-fails':
      return world.github.failNext('comments', 500, times, 'PATCH', { afterServing: f.afterServing });
    default:
      throw new Error(`${f.kind} is not a GitHub fault`);
  }
}

function fail(ctx: Context, step: Step, what: string, run?: RunResult): never {
  const log = run ? `\n--- log of that run (exit ${run.exitCode}) ---\n${tail(run.stdout + '\n' + run.stderr, 6_000)}` : '';
  throw new HistoryFailure(
    [
      `after PR #${prOf(step.index)} (${step.says.join('; ')}${step.faults.length > 0 ? `; faults: ${step.faults.map(describeFault).join('; ')}` : ''}): ${what}`,
      `history:\n${describeHistory(ctx.steps)}`,
      `runs:\n  ${ctx.trace.join('\n  ')}`,
    ].join('\n') + log,
  );
}

function tail(text: string, max: number): string {
  return text.length <= max ? text : `…${text.slice(-max)}`;
}

export interface HistoryRun extends HistoryBudget {
  readonly numRuns: number;
  /** Default seed; HISTORY_SEED overrides it (and HISTORY_PATH, HISTORY_RUNS, HISTORY_SHRINK=1 apply). */
  readonly seed: number;
  /** How a failure is replayed, e.g. the npm script. */
  readonly replay: string;
}

/**
 * Checks `numRuns` random histories. On a failure, the error names the seed and path that replay it
 * (fast-check's, and the HISTORY_SEED / HISTORY_PATH variables) and the broken invariant.
 */
export async function checkHistories(options: HistoryRun, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const seed = env.HISTORY_SEED ? Number(env.HISTORY_SEED) : options.seed;
  const path = env.HISTORY_PATH || undefined;
  const numRuns = env.HISTORY_RUNS ? Number(env.HISTORY_RUNS) : options.numRuns;
  if (!Number.isInteger(seed) || !Number.isInteger(numRuns)) throw new Error('HISTORY_SEED and HISTORY_RUNS must be integers');
  const faultKinds = env.HISTORY_FAULTS ? faultKindsOf(env.HISTORY_FAULTS) : options.faultKinds;
  const property = fc.asyncProperty(historyArb({ ...options, faultKinds }), (choices) => playHistory(resolveHistory(choices)));
  // Each history takes seconds: shrinking is opt-in (HISTORY_SHRINK=1), the first failure is reported.
  const details = await fc.check(property, { seed, path, numRuns, endOnFailure: env.HISTORY_SHRINK !== '1' });
  if (!details.failed) return;
  const replay = `HISTORY_SEED=${details.seed}${details.counterexamplePath ? ` HISTORY_PATH=${details.counterexamplePath}` : ''}${env.HISTORY_FAULTS ? ` HISTORY_FAULTS=${env.HISTORY_FAULTS}` : ''} ${options.replay}`;
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(`A random history broke an invariant (seed ${details.seed}, path ${details.counterexamplePath ?? '-'}).\nReplay: ${replay}\n${cause}`);
}

/** `HISTORY_FAULTS=reset-after,record-write-fails`: only these fault kinds (to explore one mix). */
function faultKindsOf(list: string): FaultKind[] {
  const kinds = list.split(',').map((k) => k.trim()).filter(Boolean);
  const unknown = kinds.filter((k) => !(k in FAULTS));
  if (unknown.length > 0 || kinds.length === 0) throw new Error(`HISTORY_FAULTS: unknown fault kind(s) ${unknown.join(', ')}; known: ${Object.keys(FAULTS).join(', ')}`);
  return kinds as FaultKind[];
}
