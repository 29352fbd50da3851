import { describe, expect, it } from 'vitest';
import type { LiveConnector, TargetPlan } from '../../src/model.js';
import { targetFromKey } from '../../src/model.js';
import { buildPlan } from '../../src/plan/plan.js';
import { environmentOf, nextRecord, parseRecord, recordPayload, recordedDescription, sameConnectors } from '../../src/record/record.js';

const target = { workspaceId: 'ws-1', namespace: 'default' };
const live = (name: string): LiveConnector => ({ name, type: name, source: true, sink: false, lookup: false, properties: [], supportedFormats: [], dependencies: [] });

describe('the record of applied connectors', () => {
  it('names the environment after the target', () => {
    expect(environmentOf(target)).toBe('flink-connectors/ws-1/default');
    expect(targetFromKey('ws-1/default')).toEqual(target);
    expect(targetFromKey('ws-1')).toBeUndefined();
    expect(targetFromKey('ws-1/default/extra')).toBeUndefined();
  });

  it('reads only records of its own scope', () => {
    const payload = { version: 1, scope: 'job-a', connectors: { k: { jarUrl: 'oss://b/k.jar', type: 'k', commit: 'c1' } } };
    expect(parseRecord(payload, target, 'job-a')?.connectors.k?.jarUrl).toBe('oss://b/k.jar');
    expect(parseRecord({ ...payload, targets: ['ws-1/default', 7] }, target, 'job-a')?.targets).toEqual(['ws-1/default']);
    expect(parseRecord(payload, target, 'job-b')).toBeUndefined();
    expect(parseRecord({ ...payload, version: 2 }, target, 'job-a')).toBeUndefined();
    expect(parseRecord('not a record', target, 'job-a')).toBeUndefined();
  });

  it('records finished changes, keeps the previous entry of unfinished ones, and drops what is gone', () => {
    const desired = (name: string, jarUrl: string) => ({ target, name, type: name, jarUrl, state: 'present' as const, location: { file: 'a.yaml', line: 1 } });
    const plan: TargetPlan = {
      target,
      items: [
        { action: 'register', target, name: 'new', reason: '', desired: desired('new', 'oss://b/new.jar') },
        { action: 'replace', target, name: 'bumped', reason: '', desired: desired('bumped', 'oss://b/bumped-2.jar') },
        { action: 'replace', target, name: 'rolled', reason: '', desired: desired('rolled', 'oss://b/rolled-2.jar') },
        { action: 'delete', target, name: 'gone', reason: '' },
        { action: 'unchanged', target, name: 'same', reason: '' },
      ],
    };
    const previous = {
      version: 1 as const,
      scope: 's',
      targets: ['ws-1/default'],
      ...target,
      connectors: {
        bumped: { jarUrl: 'oss://b/bumped-1.jar', type: 'bumped', commit: 'c1' },
        rolled: { jarUrl: 'oss://b/rolled-1.jar', type: 'rolled', commit: 'c1' },
        gone: { jarUrl: 'oss://b/gone.jar', type: 'gone', commit: 'c1' },
        same: { jarUrl: 'oss://b/same.jar', type: 'same', commit: 'c0' },
      },
    };
    const outcomes = [
      { target, name: 'new', action: 'register' as const, status: 'done' as const, durationMs: 1 },
      { target, name: 'bumped', action: 'replace' as const, status: 'done' as const, durationMs: 1 },
      { target, name: 'rolled', action: 'replace' as const, status: 'failed' as const, durationMs: 1, rolledBack: true },
      { target, name: 'gone', action: 'delete' as const, status: 'done' as const, durationMs: 1 },
    ];
    const next = nextRecord('s', ['ws-1/default', 'ws-2/default'], plan, previous, outcomes, ['new', 'bumped', 'rolled', 'same'].map(live), 'c2');
    expect(next.connectors).toEqual({
      bumped: { jarUrl: 'oss://b/bumped-2.jar', type: 'bumped', commit: 'c2' },
      new: { jarUrl: 'oss://b/new.jar', type: 'new', commit: 'c2' },
      rolled: { jarUrl: 'oss://b/rolled-1.jar', type: 'rolled', commit: 'c1' },
      same: { jarUrl: 'oss://b/same.jar', type: 'same', commit: 'c0' },
    });
    expect(next.targets).toEqual(['ws-1/default', 'ws-2/default']);
    expect(sameConnectors(previous, next)).toBe(false);
    expect(sameConnectors(next, { ...next, connectors: { ...next.connectors } })).toBe(true);
  });
});

describe('record size', () => {
  it('keeps short descriptions and shortens long ones with a hash of the whole, idempotently', () => {
    expect(recordedDescription(undefined)).toBeUndefined();
    expect(recordedDescription('short')).toBe('short');
    const long = 'x'.repeat(300);
    const shortened = recordedDescription(long) ?? '';
    expect(shortened).toMatch(/^x{200}… \[sha256:[0-9a-f]{16}\]$/);
    expect(recordedDescription(shortened)).toBe(shortened);
    expect(recordedDescription(`${long}y`)).not.toBe(shortened);
  });

  it('refuses a payload over GitHub’s limit, whole', () => {
    const connectors = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`c${i}`, { jarUrl: `oss://b/${'d/'.repeat(1000)}${i}.jar`, type: `c${i}`, commit: 'a' }]));
    const record = { version: 1 as const, scope: 's', workspaceId: 'ws-1', namespace: 'default', targets: [], connectors };
    expect(() => recordPayload(record)).toThrow(/the record of ws-1\/default \(40 connectors\) would be \d+ characters, over GitHub's limit of 65535/);
    const small = { ...record, connectors: { c1: { jarUrl: 'oss://b/c.jar', type: 'c1', commit: 'a' } } };
    expect(recordPayload(small)).toEqual(small);
  });
});

describe('an interrupted replace in the record', () => {
  const declared = { target, name: 'k', type: 'k', jarUrl: 'oss://b/k-2.jar', state: 'present' as const, location: { file: 'k.yaml', line: 1 } };
  const record = {
    version: 1 as const,
    scope: 's',
    targets: [],
    ...target,
    connectors: { k: { jarUrl: 'oss://b/k-1.jar', type: 'k', commit: 'c1' } },
    interrupted: { k: { jarUrl: 'oss://b/k-2.jar', commit: 'c2c2c2c2c2' } },
  };
  const planWith = (observed: LiveConnector[]) => buildPlan([declared], new Map([['ws-1/default', observed]]), { prune: false, records: new Map([['ws-1/default', record]]) });

  it('is planned again while the connector is live, whichever JAR it came from', () => {
    const [item] = planWith([live('k')]).targets[0]!.items;
    expect(item).toMatchObject({ action: 'replace', jarUrl: 'oss://b/k-2.jar' });
    expect(item?.reason).toBe('the apply of c2c2c2c was interrupted during its replace (registering oss://b/k-2.jar): which JAR is live cannot be told, so it is registered again');
    // Even when the definition went back to the recorded JAR.
    const back = buildPlan([{ ...declared, jarUrl: 'oss://b/k-1.jar' }], new Map([['ws-1/default', [live('k')]]]), { prune: false, records: new Map([['ws-1/default', record]]) });
    expect(back.targets[0]?.items[0]?.action).toBe('replace');
  });

  it('is registered when its delete happened and its register did not, without a drift warning', () => {
    const plan = planWith([]);
    expect(plan.targets[0]?.items[0]).toMatchObject({ action: 'register', reason: 'the apply of c2c2c2c was interrupted during its replace (registering oss://b/k-2.jar): deleted, but not registered again in ws-1/default' });
    expect(plan.warnings).toEqual([]);
  });

  it('travels in the payload', () => {
    const read = parseRecord(recordPayload(record), target, 's');
    expect(read?.interrupted).toEqual(record.interrupted);
    expect(sameConnectors(read, { ...record, interrupted: undefined })).toBe(false);
  });
});
