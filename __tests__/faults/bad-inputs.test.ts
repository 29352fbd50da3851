/**
 * Bad inputs never reach the API: each bad definition file or action input, run through the
 * bundle, gives a clear annotation (with file and line for definition files), exit 1, and not a
 * single API call. Secrets inside a bad input are never echoed.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FILE_CASES } from '../definitions/bad-cases.js';
import { KILL_AFTER_MS, everythingWritten } from '../support/fault-kit.js';
import { PROJECT_ROOT, type RunResult } from '../../scripts/local-runner.js';
import { type World, startWorld } from '../support/world.js';
import { INPUT_CASES, VALID_DEFINITION, badInputCount, badInputTable, e2eDefinitionCases } from './bad-inputs.js';

let world: World;
let scratch: string;
let counter = 0;

beforeAll(async () => {
  world = await startWorld();
  scratch = await mkdtemp(join(tmpdir(), 'fca-bad-'));
});

afterAll(async () => {
  await world.close();
  await rm(scratch, { recursive: true, force: true });
});

beforeEach(() => {
  world.emulator.resetStats();
});

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

function expectNothingSent(run: RunResult): void {
  expect(run.exitCode, run.stdout).toBe(1);
  expect(run.outputs.result).toBe('failed');
  expect(world.emulator.stats().total).toBe(0);
  // The only GitHub write is the PR comment saying the definitions are invalid (so it keeps no stale plan).
  const writes = world.github.requests().filter((r) => r.method !== 'GET');
  expect(writes.filter((r) => !/^\/repos\/[^/]+\/[^/]+\/issues\/(\d+\/)?comments/.test(r.path))).toEqual([]);
}

describe('bad definition files, through the bundle', () => {
  const cases = e2eDefinitionCases();

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { root } = await freshRepo(c.files);
    const run = await world.plan({ workspace: root, killAfterMs: KILL_AFTER_MS });
    expectNothingSent(run);
    const errors = run.annotations.filter((a) => a.level === 'error' && a.file !== undefined);
    expect(errors.length, run.stdout).toBeGreaterThanOrEqual(1);
    expect(errors).toContainEqual(expect.objectContaining({ file: c.file, line: c.line, message: expect.stringContaining(c.message) }));
    expect(run.stdout).toContain(`::error title=Invalid connector definition,file=${c.file},line=${c.line}`);
    expect(run.summary).toContain('nothing was sent to the API');
    if (c.secret) expect(everythingWritten(run)).not.toContain(c.secret);
  });

  it.each(FILE_CASES.map((c) => [c.name, c] as const))('refused file: %s', async (_name, c) => {
    const { root, outside } = await freshRepo({ 'connectors/ok.yaml': VALID_DEFINITION });
    await c.create(root, outside);
    const run = await world.plan({ workspace: root, killAfterMs: KILL_AFTER_MS });
    expectNothingSent(run);
    expect(run.annotations).toContainEqual(expect.objectContaining({ level: 'error', file: c.file, line: c.line, message: expect.stringContaining(c.message) }));
    // A link out of the checkout is never read, so nothing of the target shows up.
    expect(everythingWritten(run)).not.toContain('do-not-read');
  });

  it('reports every problem of several files at once', async () => {
    const [a, b] = [cases[0], cases[1]];
    const { root } = await freshRepo({ 'connectors/a.yaml': Object.values(a!.files)[0]!, 'connectors/b.yaml': Object.values(b!.files)[0]! });
    const run = await world.plan({ workspace: root, killAfterMs: KILL_AFTER_MS });
    expectNothingSent(run);
    expect(new Set(run.annotations.filter((x) => x.level === 'error' && x.file !== undefined).map((x) => x.file))).toEqual(new Set(['connectors/a.yaml', 'connectors/b.yaml']));
  });
});

describe('bad action inputs, through the bundle', () => {
  it.each(INPUT_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { root } = await freshRepo({ 'connectors/kafka.yaml': VALID_DEFINITION });
    const run = await world.plan({ workspace: root, inputs: { ...c.inputs }, killAfterMs: KILL_AFTER_MS });
    expectNothingSent(run);
    expect(run.stdout).toContain(`::error title=Invalid input::${c.message}`);
    expect(run.stdout).toMatch(/invalid inputs?; nothing was sent to the API/);
    if (c.secret) expect(everythingWritten(run)).not.toContain(c.secret);
  });

  it('reports several bad inputs together', async () => {
    const { root } = await freshRepo({ 'connectors/kafka.yaml': VALID_DEFINITION });
    const run = await world.plan({ workspace: root, inputs: { timeout: 'banana', parallelism: '0', prune: 'maybe' }, killAfterMs: KILL_AFTER_MS });
    expectNothingSent(run);
    expect(run.stdout.split('\n').filter((l) => l.startsWith('::error title=Invalid input::'))).toHaveLength(3);
    expect(run.stdout).toContain('3 invalid inputs; nothing was sent to the API.');
  });
});

describe('a definitions glob that matches nothing', () => {
  it('warns, plans No changes., exits 0 and calls nothing', async () => {
    const { root } = await freshRepo({ 'connectors/kafka.yaml': VALID_DEFINITION });
    const run = await world.plan({ workspace: root, inputs: { definitions: 'flink/**/*.yaml' }, killAfterMs: KILL_AFTER_MS });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.annotations).toContainEqual(expect.objectContaining({ level: 'warning', message: expect.stringContaining('no connector definition files matched `flink/**/*.yaml`') }));
    expect(run.stdout).toContain('No changes.');
    expect(run.outputs['has-changes']).toBe('false');
    expect(world.emulator.stats().total).toBe(0);
  });
});

describe('the table in docs/reliability.md', () => {
  it('lists at least 40 bad inputs', () => {
    expect(badInputCount()).toBeGreaterThanOrEqual(40);
    expect(e2eDefinitionCases().length + FILE_CASES.length).toBeGreaterThanOrEqual(15);
  });

  it('is the table generated from the data (regenerate: npx tsx __tests__/faults/print-table.ts)', async () => {
    const doc = await readFile(join(PROJECT_ROOT, 'docs/reliability.md'), 'utf8');
    expect(doc).toContain(badInputTable());
  });
});
