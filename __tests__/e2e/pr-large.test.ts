/**
 * A plan of 3,000 connectors: the comment stays under GitHub's 65,536-character limit and keeps
 * the `Plan:` line; the job summary holds every row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../scripts/local-runner.js';
import { bulkDefinitions, prComments } from '../support/pr-helpers.js';
import { NS, WS, type World, startWorld } from '../support/world.js';

const FILES = 30;
const PER_FILE = 100;
const TOTAL = FILES * PER_FILE;

describe('a plan of 3,000 connectors', () => {
  let world: World;
  let run: RunResult;
  const pr = 300;

  beforeAll(async () => {
    world = await startWorld();
    const files: Record<string, string> = {};
    for (let f = 0; f < FILES; f++) files[`connectors/bulk/part-${String(f).padStart(2, '0')}.yaml`] = bulkDefinitions('bulk', f * PER_FILE, PER_FILE, WS, NS);
    await world.write(files);
    run = await world.plan({ pr });
  });

  afterAll(async () => {
    await world.close();
  });

  it('plans every connector as a registration with one list call', () => {
    expect(run.exitCode, run.stdout.slice(-4000)).toBe(0);
    expect(run.outputs['to-register']).toBe(String(TOTAL));
    expect(run.outputs.result).toBe('planned');
    expect(world.emulator.stats().calls).toEqual({ ListCustomConnectors: 1 });
  });

  it('posts one comment under 65,536 characters with the Plan: line', () => {
    const comments = prComments(world.github, pr);
    expect(comments).toHaveLength(1);
    const body = comments[0]?.body ?? '';
    expect(Array.from(body).length).toBeLessThan(65_536);
    expect(body).toContain(`Plan: ${TOTAL} to register, 0 to replace, 0 to delete.`);
    expect(run.outputs['comment-url']).toBe(comments[0]?.html_url);
  });

  it('writes a job summary with all 3,000 rows', () => {
    const rows = run.summary.split('\n').filter((line) => /^\| \*\*register\*\* \| bulk-\d{4} \|/.test(line));
    expect(rows).toHaveLength(TOTAL);
    const names = new Set(rows.map((r) => /bulk-(\d{4})/.exec(r)?.[1]));
    expect(names.size).toBe(TOTAL);
    expect(names.has('0000')).toBe(true);
    expect(names.has(String(TOTAL - 1))).toBe(true);
    expect(run.summary).toContain(`Plan: ${TOTAL} to register, 0 to replace, 0 to delete.`);
    expect(Buffer.byteLength(run.summary)).toBeLessThanOrEqual(1_048_576);
    expect(run.summary).not.toContain("reached GitHub's size limit");
  });
});
