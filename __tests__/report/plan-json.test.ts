import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planToJson } from '../../src/report/plan-json.js';
import { WS1_ANALYTICS, WS1_DEFAULT, item, makePlan } from './fixtures.js';

describe('planToJson', () => {
  const live = {
    name: 'b-jdbc', type: 'b-jdbc', source: true, sink: true, lookup: false, properties: [], supportedFormats: [], dependencies: [],
    creator: '1838996', creatorName: 'userA', modifier: '1838996', modifierName: 'userA',
  };
  const plan = makePlan(
    [
      item('register', 'c-kafka'),
      item('replace', 'b-jdbc', {
        differences: ['sink: live true, declared false'],
        live,
        impact: { known: true, deployments: [{ name: 'etl', kind: 'SQLSCRIPT', running: 2, via: ['inline', 'table'] }], tables: ['vvp.default.t'], incomplete: false },
      }),
      item('delete', 'a-old', { target: WS1_ANALYTICS, type: undefined }),
      item('unchanged', 'z-mysql'),
      item('unchanged', 'm-mysql'),
      item('unmanaged', 'stray', { target: WS1_ANALYTICS }),
    ],
    [
      { message: 'second', target: WS1_DEFAULT, name: 'x' },
      { message: 'first', location: { file: 'a.yaml', line: 2 } },
    ],
  );
  const json = planToJson(plan);

  it('has a version, the counts and hasChanges', () => {
    expect(json.version).toBe(1);
    expect(json.summary).toEqual({ register: 1, replace: 1, delete: 1, adopt: 0, update: 0, unchanged: 2, unmanaged: 1 });
    expect(json.hasChanges).toBe(true);
    expect(planToJson(makePlan([item('unchanged', 'a')])).hasChanges).toBe(false);
  });

  it('lists targets by key and changes by name, with nulls for what is not known', () => {
    expect(json.targets.map((t) => `${t.workspaceId}/${t.namespace}`)).toEqual(['ws-1/analytics', 'ws-1/default']);
    const [analytics, def] = json.targets;
    expect(analytics?.changes).toEqual([
      { action: 'delete', name: 'a-old', type: null, jarUrl: null, reason: 'state: absent in connectors/kafka.yaml', differences: [], impact: null },
    ]);
    expect(analytics?.unmanaged).toEqual(['stray']);
    expect(def?.changes.map((c) => c.name)).toEqual(['b-jdbc', 'c-kafka']);
    expect(def?.changes[0]).toMatchObject({ action: 'replace', jarUrl: 'oss://bucket/connectors/b-jdbc.jar', differences: ['sink: live true, declared false'] });
    expect(def?.unchanged).toEqual(['m-mysql', 'z-mysql']);
    expect(def?.changes[0]?.impact).toEqual({ known: true, deployments: [{ name: 'etl', kind: 'SQLSCRIPT', running: 2, via: ['inline', 'table'] }], tables: ['vvp.default.t'], incomplete: false, note: null });
    expect(def?.changes[1]?.impact).toBeNull();
  });

  it('carries no live-only volatile fields', () => {
    const text = JSON.stringify(json);
    for (const field of ['creator', 'modifier', 'userA', 'properties']) expect(text).not.toContain(field);
  });

  it('sorts warnings and gives every field a value', () => {
    expect(json.warnings).toEqual([
      { workspaceId: null, namespace: null, name: null, message: 'first', file: 'a.yaml', line: 2 },
      { workspaceId: 'ws-1', namespace: 'default', name: 'x', message: 'second', file: null, line: null },
    ]);
  });

  it('is the same whatever order the plan lists things in', () => {
    const shuffled = { ...plan, targets: [...plan.targets].reverse().map((t) => ({ ...t, items: [...t.items].reverse() })), warnings: [...plan.warnings].reverse() };
    expect(JSON.stringify(planToJson(shuffled))).toBe(JSON.stringify(json));
  });

  it('has every field it emits documented in docs/plan-json.md', () => {
    const doc = readFileSync(new URL('../../docs/plan-json.md', import.meta.url), 'utf8');
    const keys = new Set<string>();
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value !== null && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          keys.add(k);
          walk(v);
        }
      }
    };
    walk(json);
    expect(keys.size).toBeGreaterThan(15);
    for (const key of keys) expect(doc, key).toContain(`| \`${key}\` |`);
  });
});
