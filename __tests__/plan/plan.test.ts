import { describe, expect, it } from 'vitest';
import type { DesiredConnector, LiveConnector, Target } from '../../src/model.js';
import { targetKey } from '../../src/model.js';
import { buildPlan, hasChanges, targetsOf } from '../../src/plan/plan.js';
import { recordedDescription } from '../../src/record/record.js';
import { aLiveConnector } from '../support/connectors.js';

const ws: Target = { workspaceId: 'ws-1', namespace: 'default' };
const other: Target = { workspaceId: 'ws-1', namespace: 'analytics' };

const desired = (name: string, extra: Partial<DesiredConnector> = {}): DesiredConnector => ({
  target: ws,
  name,
  type: name,
  jarUrl: `oss://bucket/${name}.jar`,
  state: 'present',
  location: { file: 'connectors/a.yaml', line: 3 },
  ...extra,
});

const live = (name: string, extra: Partial<LiveConnector> = {}): LiveConnector => aLiveConnector({ name, source: true, supportedFormats: ['json'], ...extra });

const observed = (entries: Array<[Target, LiveConnector[]]>) => new Map(entries.map(([t, l]) => [targetKey(t), l]));

describe('buildPlan', () => {
  it('registers what is declared but not live, and leaves matching connectors unchanged', () => {
    const plan = buildPlan([desired('a'), desired('b', { source: true, supportedFormats: ['json'] })], observed([[ws, [live('b')]]]), { prune: false });
    expect(plan.counts).toMatchObject({ register: 1, replace: 0, delete: 0 });
    const [t] = plan.targets;
    expect(t?.items.map((i) => [i.action, i.name])).toEqual([
      ['register', 'a'],
      ['unchanged', 'b'],
    ]);
    expect(t?.items[0]?.reason).toContain('not registered in ws-1/default');
    expect(hasChanges(plan)).toBe(true);
  });

  it('replaces a live connector that contradicts the declared type, capabilities, formats or dependencies', () => {
    const plan = buildPlan(
      [
        desired('t', { type: 'other' }),
        desired('s', { sink: true }),
        desired('f', { supportedFormats: ['avro', 'json'] }),
        desired('d', { dependencies: ['oss://b/dep.jar'] }),
        desired('ok', { supportedFormats: ['json'], source: true, sink: false }),
      ],
      observed([[ws, [live('t'), live('s'), live('f'), live('d'), live('ok')]]]),
      { prune: false },
    );
    expect(plan.counts).toMatchObject({ register: 0, replace: 4, delete: 0 });
    const byName = new Map(plan.targets[0]?.items.map((i) => [i.name, i]));
    expect(byName.get('t')?.differences).toEqual(['type: live t, declared other']);
    expect(byName.get('s')?.differences).toEqual(['sink: live false, declared true']);
    expect(byName.get('f')?.differences).toEqual(['supported_formats: live json, declared avro, json']);
    expect(byName.get('d')?.differences?.[0]).toContain('dependencies');
    expect(byName.get('ok')?.action).toBe('unchanged');
  });

  it('compares formats as sets, ignoring order', () => {
    const plan = buildPlan([desired('f', { supportedFormats: ['csv', 'json'] })], observed([[ws, [live('f', { supportedFormats: ['json', 'csv'] })]]]), {
      prune: false,
    });
    expect(plan.counts.replace).toBe(0);
  });

  it('deletes state: absent connectors that are live, and is a no-op for those already gone', () => {
    const plan = buildPlan(
      [desired('gone', { state: 'absent', type: undefined, jarUrl: undefined }), desired('here', { state: 'absent' })],
      observed([[ws, [live('here')]]]),
      { prune: false },
    );
    expect(plan.counts).toMatchObject({ register: 0, replace: 0, delete: 1 });
    expect(plan.targets[0]?.items.find((i) => i.name === 'here')?.reason).toBe('state: absent in connectors/a.yaml:3');
    expect(plan.targets[0]?.items.find((i) => i.name === 'gone')?.action).toBe('unchanged');
  });

  it('lists undeclared live connectors as unmanaged, and deletes them only with prune', () => {
    const world = observed([[ws, [live('a'), live('stray')]]]);
    const kept = buildPlan([desired('a')], world, { prune: false });
    expect(kept.targets[0]?.items.find((i) => i.name === 'stray')?.action).toBe('unmanaged');
    expect(kept.counts.delete).toBe(0);
    expect(kept.warnings.map((w) => w.message).join('\n')).toContain('stray');
    const pruned = buildPlan([desired('a')], world, { prune: true });
    expect(pruned.targets[0]?.items.find((i) => i.name === 'stray')?.action).toBe('delete');
    expect(pruned.counts.delete).toBe(1);
  });

  it('warns when the declared type is already held by an undeclared connector', () => {
    const plan = buildPlan([desired('new-name', { type: 'kafka' })], observed([[ws, [live('old-name', { type: 'kafka' })]]]), { prune: false });
    const warning = plan.warnings.find((w) => w.name === 'new-name');
    expect(warning?.message).toContain('already registered');
    expect(warning?.location).toEqual({ file: 'connectors/a.yaml', line: 3 });
  });

  it('groups by target in a stable order and never plans a target nobody declared', () => {
    const plan = buildPlan([desired('x'), desired('y', { target: other })], observed([[{ workspaceId: 'ws-9', namespace: 'z' }, [live('q')]]]), {
      prune: true,
    });
    expect(plan.targets.map((t) => targetKey(t.target))).toEqual(['ws-1/analytics', 'ws-1/default']);
    expect(targetsOf([desired('x'), desired('y', { target: other }), desired('z')])).toHaveLength(2);
    expect(plan.counts).toMatchObject({ register: 2, replace: 0, delete: 0 });
  });

  it('says No changes when everything matches', () => {
    const plan = buildPlan([desired('a')], observed([[ws, [live('a')]]]), { prune: false });
    expect(hasChanges(plan)).toBe(false);
  });
});

describe('buildPlan with the record of applied connectors', () => {
  const record = (connectors: Record<string, { jarUrl: string; type: string; description?: string }>, target: Target = ws) =>
    new Map([
      [
        targetKey(target),
        {
          version: 1 as const,
          scope: 'test',
          targets: [],
          workspaceId: target.workspaceId,
          namespace: target.namespace,
          connectors: Object.fromEntries(Object.entries(connectors).map(([n, c]) => [n, { ...c, commit: 'c0' }])),
        },
      ],
    ]);

  it('replaces a connector whose declared JAR differs from the recorded one', () => {
    const plan = buildPlan([desired('a', { jarUrl: 'oss://bucket/a-2.jar' })], observed([[ws, [live('a')]]]), {
      prune: false,
      records: record({ a: { jarUrl: 'oss://bucket/a-1.jar', type: 'a' } }),
    });
    const item = plan.targets[0]?.items[0];
    expect(item?.action).toBe('replace');
    expect(item?.differences).toEqual(['jar_url: recorded oss://bucket/a-1.jar, declared oss://bucket/a-2.jar']);
    expect(item?.recorded?.jarUrl).toBe('oss://bucket/a-1.jar');
  });

  it('turns a description-only change into a record-only update, outside the Plan: counts', () => {
    const plan = buildPlan([desired('a', { description: 'new words' })], observed([[ws, [live('a')]]]), {
      prune: false,
      records: record({ a: { jarUrl: 'oss://bucket/a.jar', type: 'a', description: 'old words' } }),
    });
    expect(plan.targets[0]?.items[0]?.action).toBe('update');
    expect(plan.counts).toEqual({ register: 0, replace: 0, delete: 0, adopt: 0, update: 1 });
    expect(hasChanges(plan)).toBe(false);
  });

  it('records a JAR declared in place of an exported placeholder without re-registering, unless adopt: replace', () => {
    const records = record({ a: { jarUrl: 'oss://jar-url-unknown/a.jar', type: 'a' } });
    const plan = buildPlan([desired('a')], observed([[ws, [live('a')]]]), { prune: false, records });
    expect(plan.targets[0]?.items[0]).toMatchObject({ action: 'update', reason: expect.stringContaining('the JAR is now recorded as declared and was not re-registered') });
    expect(plan.counts).toEqual({ register: 0, replace: 0, delete: 0, adopt: 0, update: 1 });
    const forced = buildPlan([desired('a', { adopt: 'replace' })], observed([[ws, [live('a')]]]), { prune: false, records });
    expect(forced.targets[0]?.items[0]?.action).toBe('replace');
  });

  it('compares long descriptions the way the record keeps them (shortened with a hash)', () => {
    const long = 'word '.repeat(100);
    const plan = buildPlan([desired('a', { description: long })], observed([[ws, [live('a')]]]), {
      prune: false,
      records: record({ a: { jarUrl: 'oss://bucket/a.jar', type: 'a', description: recordedDescription(long) } }),
    });
    expect(plan.targets[0]?.items[0]?.action).toBe('unchanged');
  });

  it('adopts a live connector missing from the record, or replaces it with adopt: replace', () => {
    const adopted = buildPlan([desired('a')], observed([[ws, [live('a')]]]), { prune: false, records: new Map() });
    expect(adopted.targets[0]?.items[0]?.action).toBe('adopt');
    expect(adopted.warnings.some((w) => w.message.includes('could not be verified'))).toBe(true);
    const forced = buildPlan([desired('a', { adopt: 'replace' })], observed([[ws, [live('a')]]]), { prune: false, records: new Map() });
    expect(forced.targets[0]?.items[0]?.action).toBe('replace');
  });

  it('deletes what the record holds but no definition declares any more, and leaves the never-recorded alone', () => {
    const plan = buildPlan([desired('kept')], observed([[ws, [live('kept'), live('removed'), live('stranger')]]]), {
      prune: false,
      records: record({ kept: { jarUrl: 'oss://bucket/kept.jar', type: 'kept' }, removed: { jarUrl: 'oss://bucket/removed.jar', type: 'removed' } }),
    });
    const byName = new Map(plan.targets[0]?.items.map((i) => [i.name, i.action]));
    expect(byName.get('removed')).toBe('delete');
    expect(byName.get('stranger')).toBe('unmanaged');
    expect(byName.get('kept')).toBe('unchanged');
  });

  it('plans a target whose definitions are all gone when the record still holds connectors there', () => {
    const plan = buildPlan([desired('x')], observed([[ws, [live('x')]], [other, [live('old')]]]), {
      prune: false,
      records: new Map([...record({ x: { jarUrl: 'oss://bucket/x.jar', type: 'x' } }), ...record({ old: { jarUrl: 'oss://b/old.jar', type: 'old' } }, other)]),
    });
    expect(plan.targets.map((t) => targetKey(t.target))).toEqual(['ws-1/analytics', 'ws-1/default']);
    expect(plan.counts.delete).toBe(1);
  });

  it('registers again a recorded connector that disappeared, with a drift warning', () => {
    const plan = buildPlan([desired('a')], observed([[ws, []]]), { prune: false, records: record({ a: { jarUrl: 'oss://bucket/a.jar', type: 'a' } }) });
    expect(plan.targets[0]?.items[0]?.action).toBe('register');
    expect(plan.targets[0]?.items[0]?.reason).toContain('drift');
  });
});

describe('buildPlan when the JAR changed and the new one brings other formats', () => {
  it('says the JAR changed first, then every contradiction', () => {
    const records = new Map([
      [targetKey(ws), { version: 1 as const, scope: 'test', targets: [], workspaceId: ws.workspaceId, namespace: ws.namespace, connectors: { a: { jarUrl: 'oss://bucket/a-1.jar', type: 'a', commit: 'c0' } } }],
    ]);
    const plan = buildPlan([desired('a', { jarUrl: 'oss://bucket/a-2.jar', supportedFormats: ['json', 'csv'] })], observed([[ws, [live('a')]]]), { prune: false, records });
    const item = plan.targets[0]?.items[0];
    expect(item?.reason).toBe('the JAR changed');
    expect(item?.differences).toEqual(['jar_url: recorded oss://bucket/a-1.jar, declared oss://bucket/a-2.jar', 'supported_formats: live json, declared csv, json']);
  });
});
