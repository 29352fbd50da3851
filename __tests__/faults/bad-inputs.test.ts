/**
 * Bad inputs never reach the API: each bad definition file or action input, run through the
 * bundle, gives a clear annotation (with file and line for definition files), exit 1, and not a
 * single API call. Secrets inside a bad input are never echoed.
 *
 * The bundle is started a handful of times, not once per case: the definition cases share one
 * checkout (each case in its own directory under connectors/, which the action reads at once), and
 * the input cases are packed into as few runs as do not change one another's messages. Which cases
 * can share a run is decided in-process (loadDefinitions, readSettings), so a case added to the data
 * lists lands in a run by itself. What each case must produce is asserted on the bundle's own output.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_CASES, type BadCase, FILE_CASES, type FileCase, INPUT_DEFAULTS } from '../definitions/bad-cases.js';
import { loadDefinitions } from '../../src/definitions/validate.js';
import type { DefinitionDefaults } from '../../src/definitions/validate.js';
import { InputError, readSettings } from '../../src/settings.js';
import { KILL_AFTER_MS, everythingWritten } from '../support/fault-kit.js';
import { PROJECT_ROOT, type RunResult, defaultInputs } from '../../scripts/local-runner.js';
import { ACCESS_KEY_ID, ACCESS_KEY_SECRET, GITHUB_TOKEN, NS, OWNER, REPO, WS, type World, prPayload, startWorld } from '../support/world.js';
import { INPUT_CASES, type InputCase, VALID_DEFINITION, badInputCount, badInputTable, e2eDefinitionCases } from './bad-inputs.js';

let world: World;
let scratch: string;
let counter = 0;

/** One bundle run and what it sent while it ran. */
interface Observed {
  readonly run: RunResult;
  readonly apiCalls: number;
  readonly githubWrites: readonly string[];
}

async function observe(start: () => Promise<RunResult>): Promise<Observed> {
  world.emulator.resetStats();
  const before = world.github.requests().length;
  const run = await start();
  const githubWrites = world.github
    .requests()
    .slice(before)
    .filter((r) => r.method !== 'GET')
    .map((r) => `${r.method} ${r.path}`);
  return { run, apiCalls: world.emulator.stats().total, githubWrites };
}

function expectNothingSent({ run, apiCalls, githubWrites }: Observed): void {
  expect(run.exitCode, run.stdout).toBe(1);
  expect(run.outputs.result).toBe('failed');
  expect(apiCalls).toBe(0);
  // The only GitHub write is the PR comment saying the definitions are invalid (so it keeps no stale plan).
  expect(githubWrites.filter((w) => !/^POST \/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$|^PATCH \/repos\/[^/]+\/[^/]+\/issues\/comments\/\d+$/.test(w))).toEqual([]);
}

/** A fresh checkout (and a directory next to it, for links that escape). */
async function freshRepo(files: Readonly<Record<string, string>> = {}): Promise<{ root: string; outside: string }> {
  const base = join(scratch, String(++counter));
  const root = join(base, 'repo');
  const outside = join(base, 'outside');
  await mkdir(join(root, 'connectors'), { recursive: true });
  await mkdir(outside);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return { root, outside };
}

/** Puts `items` into as few groups as `fits` allows, in order; an item that fits nowhere opens a group. */
function pack<T>(items: readonly T[], fits: (group: readonly T[]) => boolean): T[][] {
  const groups: T[][] = [];
  for (const item of items) {
    const group = groups.find((g) => fits([...g, item]));
    if (group) group.push(item);
    else groups.push([item]);
  }
  return groups;
}

// ---------------------------------------------------------------------------------------------
// Definition files: every case in its own directory of one checkout.

/** A path of a case moved into the case's own directory, `connectors/<dir>/...`. */
function moved(dir: string, path: string): string {
  return `connectors/${dir}/${path.replace(/^connectors\//, '')}`;
}

/** What a case must produce once its files are moved: the file, line and message with moved paths. */
interface Expected {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly message: string;
  readonly secret?: string;
}

interface PlacedCase extends Expected {
  readonly files: Readonly<Record<string, string>>;
  readonly defaults: DefinitionDefaults;
}

function placeCase(c: BadCase, index: number): PlacedCase {
  const dir = `case-${String(index).padStart(3, '0')}`;
  let message = c.message;
  for (const path of Object.keys(c.files)) message = message.split(path).join(moved(dir, path));
  return {
    name: c.name,
    files: Object.fromEntries(Object.entries(c.files).map(([path, content]) => [moved(dir, path), content])),
    defaults: c.defaults ?? INPUT_DEFAULTS,
    file: moved(dir, c.file),
    line: c.line,
    message,
    ...(c.secret !== undefined ? { secret: c.secret } : {}),
  };
}

/**
 * A valid file in every definition checkout, so a run fails for its bad files and not for want of
 * a good one. It names its own target: valid whatever the case's defaults, and clashing with no case.
 */
const VALID_FILE = 'connectors/ok.yaml';
const VALID_ANYWHERE = `workspace_id: ws-valid\nnamespace_name: ns-valid\n${VALID_DEFINITION}`;

function checkoutFiles(cases: readonly PlacedCase[]): Record<string, string> {
  return Object.assign({ [VALID_FILE]: VALID_ANYWHERE }, ...cases.map((c) => c.files)) as Record<string, string>;
}

/**
 * True when, read together (in path order, as the action reads them), each case still gets its own
 * error and no file other than the cases' own gets one.
 */
function independent(cases: readonly PlacedCase[]): boolean {
  const defaults = cases[0]!.defaults;
  if (cases.some((c) => JSON.stringify(c.defaults) !== JSON.stringify(defaults))) return false;
  const files = Object.entries(checkoutFiles(cases))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, content]) => ({ path, content }));
  const { errors } = loadDefinitions(files, defaults);
  const own = new Set(cases.flatMap((c) => Object.keys(c.files)));
  if (errors.some((e) => !own.has(e.location.file))) return false;
  return cases.every((c) => errors.some((e) => e.location.file === c.file && e.location.line === c.line && e.message.includes(c.message)));
}

function placeFileCase(c: FileCase, index: number): Expected & { readonly dir: string; readonly create: FileCase['create'] } {
  const dir = `file-${String(index).padStart(3, '0')}`;
  const message = c.message.split(c.file).join(moved(dir, c.file));
  // The case creates `<root>/connectors/...`; its root is its own directory.
  return { name: c.name, dir, create: c.create, file: `connectors/${dir}/${c.file}`, line: c.line, message };
}

const DEFINITION_GROUPS = pack(e2eDefinitionCases().map(placeCase), independent);
const PLACED_FILE_CASES = FILE_CASES.map(placeFileCase);
/** Set in beforeAll: one run per definition group; the refused files share the first group's checkout. */
const definitionRuns: Observed[] = [];

async function runDefinitionGroup(cases: readonly PlacedCase[], withFileCases: boolean): Promise<Observed> {
  const { root, outside } = await freshRepo(checkoutFiles(cases));
  if (withFileCases) {
    for (const c of PLACED_FILE_CASES) {
      const caseRoot = join(root, 'connectors', c.dir);
      const caseOutside = join(outside, c.dir);
      await mkdir(join(caseRoot, 'connectors'), { recursive: true });
      await mkdir(caseOutside);
      await c.create(caseRoot, caseOutside);
    }
  }
  const defaults = cases[0]?.defaults ?? INPUT_DEFAULTS;
  const inputs = { 'workspace-id': defaults.workspaceId ?? '', namespace: defaults.namespace ?? '' };
  return observe(() => world.plan({ workspace: root, inputs, killAfterMs: KILL_AFTER_MS }));
}

// ---------------------------------------------------------------------------------------------
// Action inputs: checked in-process against the settings reader, then packed into bundle runs.

const RUNNER_CONTEXT = {
  eventName: 'pull_request',
  payload: prPayload(7),
  sha: 'a'.repeat(40),
  ref: 'refs/pull/7/merge',
  repo: { owner: OWNER, repo: REPO },
  serverUrl: 'https://github.com',
  runId: 4242,
};

/** The inputs every run gets (the world's, as local-runner applies them) under each case's own. */
let baseInputs: Record<string, string>;

function mergedInputs(cases: readonly InputCase[]): Record<string, string> {
  return Object.assign({}, ...cases.map((c) => c.inputs)) as Record<string, string>;
}

const problemsOf = new Map<string, readonly string[]>();

/** The problems readSettings reports for these inputs, as the bundle would read them. */
function inputProblems(inputs: Readonly<Record<string, string>>): readonly string[] {
  const key = JSON.stringify(inputs);
  const known = problemsOf.get(key);
  if (known) return known;
  const all = { ...baseInputs, ...inputs };
  let problems: readonly string[] = [];
  try {
    readSettings((name) => all[name] ?? '', { GITHUB_RUN_ID: '4242' }, RUNNER_CONTEXT);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    problems = error.problems;
  }
  problemsOf.set(key, problems);
  return problems;
}

/** True when the cases' inputs, set together, give exactly the problems each gives alone. */
function inputsIndependent(cases: readonly InputCase[]): boolean {
  const keys = cases.flatMap((c) => Object.keys(c.inputs));
  if (new Set(keys).size !== keys.length) return false;
  const together = inputProblems(mergedInputs(cases));
  const alone = cases.flatMap((c) => inputProblems(c.inputs));
  return together.length === alone.length && alone.every((p) => together.includes(p));
}

let inputGroups: InputCase[][] = [];
const inputRuns: Observed[] = [];

// ---------------------------------------------------------------------------------------------

let emptyGlob: Observed;

beforeAll(async () => {
  world = await startWorld();
  scratch = await mkdtemp(join(tmpdir(), 'fca-bad-'));
  const defaults = await defaultInputs();
  // The world's inputs, as world.plan sets them (endpoint, keys, target, timeout).
  baseInputs = { ...defaults, 'github-token': GITHUB_TOKEN, endpoint: world.emulator.url, 'access-key-id': ACCESS_KEY_ID, 'access-key-secret': ACCESS_KEY_SECRET, 'workspace-id': WS, namespace: NS, timeout: '20s' };
  inputGroups = pack(INPUT_CASES, inputsIndependent);

  // One run at a time, so each run's API and GitHub calls are its own.
  for (const [i, group] of DEFINITION_GROUPS.entries()) definitionRuns.push(await runDefinitionGroup(group, i === 0));
  if (DEFINITION_GROUPS.length === 0) definitionRuns.push(await runDefinitionGroup([], true));
  for (const group of inputGroups) {
    const { root } = await freshRepo({ 'connectors/kafka.yaml': VALID_DEFINITION });
    inputRuns.push(await observe(() => world.plan({ workspace: root, inputs: mergedInputs(group), killAfterMs: KILL_AFTER_MS })));
  }
  const { root } = await freshRepo({ 'connectors/kafka.yaml': VALID_DEFINITION });
  emptyGlob = await observe(() => world.plan({ workspace: root, inputs: { definitions: 'flink/**/*.yaml' }, killAfterMs: KILL_AFTER_MS }));
});

afterAll(async () => {
  await world.close();
  await rm(scratch, { recursive: true, force: true });
});

function definitionErrors(run: RunResult): RunResult['annotations'] {
  return run.annotations.filter((a) => a.level === 'error' && a.file !== undefined);
}

function expectAnnotated(run: RunResult, c: Expected): void {
  expect(definitionErrors(run)).toContainEqual(expect.objectContaining({ file: c.file, line: c.line, message: expect.stringContaining(c.message) }));
  expect(run.stdout).toContain(`::error title=Invalid connector definition,file=${c.file},line=${c.line}`);
  if (c.secret) expect(everythingWritten(run)).not.toContain(c.secret);
}

describe('bad definition files, through the bundle', () => {
  const cases = DEFINITION_GROUPS.flatMap((group, run) => group.map((c) => [c.name, c, run] as const));

  it.each(cases)('%s', (_name, c, run) => {
    expectAnnotated(definitionRuns[run]!.run, c);
  });

  it.each(PLACED_FILE_CASES.map((c) => [c.name, c] as const))('refused file: %s', (_name, c) => {
    expectAnnotated(definitionRuns[0]!.run, c);
  });

  it('reports every problem of every file at once, sends nothing, exits 1', () => {
    expect(definitionRuns.length).toBe(Math.max(1, DEFINITION_GROUPS.length));
    for (const [i, observed] of definitionRuns.entries()) {
      const { run } = observed;
      expectNothingSent(observed);
      const errors = definitionErrors(run);
      // Several files in one run, each annotated; nothing annotated outside the cases' files.
      const group: readonly Expected[] = [...(DEFINITION_GROUPS[i] ?? []), ...(i === 0 ? PLACED_FILE_CASES : [])];
      const caseFiles = new Set([...(DEFINITION_GROUPS[i] ?? []).flatMap((c) => Object.keys(c.files)), ...group.map((c) => c.file)]);
      const annotated = new Set(errors.map((e) => e.file));
      expect([...annotated]).toEqual(expect.arrayContaining(group.map((c) => c.file)));
      expect([...annotated].filter((f) => !caseFiles.has(f!))).toEqual([]);
      expect(run.summary).toContain(`${errors.length} problem${errors.length === 1 ? '' : 's'} found; nothing was sent to the API.`);
      // A link out of the checkout is never read, so nothing of the target shows up.
      expect(everythingWritten(run)).not.toContain('do-not-read');
    }
  });
});

describe('bad action inputs', () => {
  it.each(INPUT_CASES.map((c) => [c.name, c] as const))('in-process: %s', (_name, c) => {
    const problems = inputProblems(c.inputs);
    expect(problems.some((p) => p.includes(c.message)), problems.join('\n')).toBe(true);
    if (c.secret) expect(problems.join('\n')).not.toContain(c.secret);
  });

  it.each(INPUT_CASES.map((c) => [c.name, c] as const))('through the bundle: %s', (_name, c) => {
    const at = inputGroups.findIndex((g) => g.includes(c));
    const { run } = inputRuns[at]!;
    expect(run.stdout).toContain(`::error title=Invalid input::${c.message}`);
    if (c.secret) expect(everythingWritten(run)).not.toContain(c.secret);
  });

  it('reports several bad inputs together, sends nothing, exits 1', () => {
    // Fewer runs than cases, or the packing did nothing.
    expect(inputGroups.length).toBeLessThan(INPUT_CASES.length);
    for (const [i, observed] of inputRuns.entries()) {
      expectNothingSent(observed);
      const count = inputGroups[i]!.flatMap((c) => inputProblems(c.inputs)).length;
      expect(observed.run.stdout.split('\n').filter((l) => l.startsWith('::error title=Invalid input::'))).toHaveLength(count);
      expect(observed.run.stdout).toContain(`${count} invalid input${count === 1 ? '' : 's'}; nothing was sent to the API.`);
    }
  });
});

describe('a definitions glob that matches nothing', () => {
  it('fails before planning (it would delete everything on record), exits 1 and calls nothing', () => {
    const { run } = emptyGlob;
    expect(run.exitCode, run.stdout).toBe(1);
    expect(run.annotations).toContainEqual(expect.objectContaining({ level: 'error', message: expect.stringContaining('no file matched `definitions` in') }));
    expect(run.annotations.find((a) => a.level === 'error')?.message).toContain('`flink/**/*.yaml`');
    expect(run.stdout).not.toContain('Plan:');
    expect(run.outputs['has-changes']).toBe('false');
    expect(emptyGlob.apiCalls).toBe(0);
  });
});

describe('the table in docs/reliability.md', () => {
  it('lists at least 40 bad inputs', () => {
    expect(badInputCount()).toBeGreaterThanOrEqual(40);
    expect(e2eDefinitionCases().length + FILE_CASES.length).toBeGreaterThanOrEqual(15);
    expect(BAD_CASES.length).toBeGreaterThanOrEqual(e2eDefinitionCases().length);
  });

  it('is the table generated from the data (regenerate: npx tsx __tests__/faults/print-table.ts)', async () => {
    const doc = await readFile(join(PROJECT_ROOT, 'docs/reliability.md'), 'utf8');
    expect(doc).toContain(badInputTable());
  });
});
