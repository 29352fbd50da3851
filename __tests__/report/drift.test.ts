import { describe, expect, it } from 'vitest';
import { modeFor } from '../../src/main.js';
import { driftSetHash, driftedConnectors, readDriftSet, renderDriftIssueBody } from '../../src/report/drift.js';
import { COMMENT_LIMIT, commentMarker } from '../../src/report/markdown.js';
import { readSettings } from '../../src/settings.js';
import { CONTEXT, bigPlan, item, makePlan } from './fixtures.js';

const event = { name: 'schedule', owner: 'a', repo: 'b', sha: 'x', pushToDefaultBranch: false, fromFork: false };

describe('what a drift is', () => {
  it('is a register, replace or delete; record-only changes, unchanged and unmanaged connectors are not', () => {
    const plan = makePlan([item('replace', 'b'), item('register', 'a'), item('delete', 'c'), item('adopt', 'd'), item('update', 'e'), item('unchanged', 'f'), item('unmanaged', 'g')]);
    expect(driftedConnectors(plan)).toEqual(['ws-1/default/a', 'ws-1/default/b', 'ws-1/default/c']);
    expect(driftedConnectors(makePlan([item('unmanaged', 'g'), item('adopt', 'd')]))).toEqual([]);
  });

  it('hashes the drifted set, not its order', () => {
    expect(driftSetHash(['x', 'y'])).toBe(driftSetHash(['y', 'x']));
    expect(driftSetHash(['x'])).not.toBe(driftSetHash(['x', 'y']));
  });
});

describe('the drift issue body', () => {
  it('carries the drifted set, the marker, the plan and the run link', () => {
    const plan = makePlan([item('replace', 'kafka_orders')]);
    const drifted = driftedConnectors(plan);
    const body = renderDriftIssueBody({ plan, marker: commentMarker('nightly'), context: CONTEXT, drifted });
    expect(readDriftSet(body)).toBe(driftSetHash(drifted));
    expect(body).toContain(commentMarker('nightly'));
    expect(body).toContain('**Plan: 0 to register, 1 to replace, 0 to delete.**');
    expect(body).toContain('kafka&#95;orders');
    expect(body).toContain(`[a drift check](${CONTEXT.runUrl})`);
  });

  it('stays within GitHub’s body limit for a huge plan', () => {
    const plan = bigPlan(5000, 40, ['register', 'replace', 'delete']);
    const body = renderDriftIssueBody({ plan, marker: commentMarker('k'), context: CONTEXT, drifted: driftedConnectors(plan) });
    expect(Array.from(body).length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(readDriftSet(body)).toBeDefined();
    expect(body).toContain(commentMarker('k'));
  });
});

describe('check mode', () => {
  it('is what auto means on schedule events, and command: check anywhere', () => {
    expect(modeFor({ command: 'auto', event })).toEqual({ mode: 'check' });
    expect(modeFor({ command: 'check', event: { ...event, name: 'workflow_dispatch' } })).toEqual({ mode: 'check' });
    expect(modeFor({ command: 'check', event: { ...event, name: 'pull_request' } })).toEqual({ mode: 'check' });
    expect(modeFor({ command: 'auto', event: { ...event, name: 'workflow_dispatch' } })).toEqual({ mode: 'plan' });
  });

  it('reads drift-issue (default true) and fail-on-drift (default false)', () => {
    const context = { eventName: 'schedule', payload: {}, sha: 's', ref: 'refs/heads/main', repo: { owner: 'a', repo: 'b' }, serverUrl: 'https://github.com', runId: 1 };
    const read = (values: Record<string, string>) => readSettings((name) => values[name] ?? '', {}, context);
    expect(read({})).toMatchObject({ driftIssue: true, failOnDrift: false });
    expect(read({ 'drift-issue': 'false', 'fail-on-drift': 'true', command: 'check' })).toMatchObject({ driftIssue: false, failOnDrift: true, command: 'check' });
    expect(() => read({ 'fail-on-drift': 'sometimes' })).toThrow(/fail-on-drift/);
  });
});
