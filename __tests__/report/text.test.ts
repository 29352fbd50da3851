import { describe, expect, it } from 'vitest';
import { planLine, renderApplyText, renderPlanText } from '../../src/report/text.js';
import { WS1_ANALYTICS, WS1_DEFAULT, applied, item, makePlan } from './fixtures.js';

describe('planLine', () => {
  it('counts each kind of change', () => {
    expect(planLine({ register: 3, replace: 1, delete: 0, adopt: 0, update: 0 })).toBe('Plan: 3 to register, 1 to replace, 0 to delete.');
    expect(planLine({ register: 0, replace: 0, delete: 2, adopt: 0, update: 0 })).toBe('Plan: 0 to register, 0 to replace, 2 to delete.');
  });
  it('says No changes. when there are none', () => {
    expect(planLine({ register: 0, replace: 0, delete: 0, adopt: 0, update: 0 })).toBe('No changes.');
  });
});

describe('renderPlanText', () => {
  const plan = makePlan(
    [
      item('register', 'kafka-orders'),
      item('replace', 'jdbc', { differences: ['sink: live true, declared false'] }),
      item('delete', 'old-one', { target: WS1_ANALYTICS }),
      item('unchanged', 'mysql'),
      item('unmanaged', 'stray', { target: WS1_ANALYTICS }),
    ],
    [{ target: WS1_DEFAULT, name: 'jdbc', message: 'JAR not checked', location: { file: 'c/jdbc.yaml', line: 3 } }],
  );
  const text = renderPlanText(plan);
  const lines = text.split('\n');

  it('lists each change with its symbol, type and reason, grouped by target', () => {
    expect(lines).toContain('  + register kafka-orders (type kafka-orders) — not registered in ws-1/default');
    expect(lines).toContain('-/+ replace jdbc (type jdbc) — the live connector contradicts the definition');
    expect(lines).toContain('        sink: live true, declared false');
    expect(lines).toContain('  - delete old-one (type old-one) — state: absent in connectors/kafka.yaml');
    expect(lines).toContain('  ? unmanaged stray (type stray) — declared in no definition; left alone');
    expect(lines).toContain('  = 1 unchanged: mysql');
    expect(lines.indexOf('Target ws-1/analytics:')).toBeLessThan(lines.indexOf('  - delete old-one (type old-one) — state: absent in connectors/kafka.yaml'));
    expect(lines.indexOf('Target ws-1/default:')).toBeGreaterThan(lines.indexOf('  - delete old-one (type old-one) — state: absent in connectors/kafka.yaml'));
  });

  it('lists warnings with where they come from', () => {
    expect(lines).toContain('  ! ws-1/default jdbc: JAR not checked (c/jdbc.yaml:3)');
  });

  it('ends with exactly the Plan line', () => {
    expect(lines.at(-1)).toBe('Plan: 1 to register, 1 to replace, 1 to delete.');
  });

  it('ends with No changes. for a plan without changes', () => {
    expect(renderPlanText(makePlan([item('unchanged', 'a')])).split('\n').at(-1)).toBe('No changes.');
    expect(renderPlanText(makePlan([]))).toBe('No changes.');
  });

  it('never lets a value start a line of its own', () => {
    const out = renderPlanText(makePlan([item('register', 'evil\n::error::pwned', { reason: 'x\r\n::set-env name=A::1' })]));
    for (const line of out.split('\n')) expect(line.startsWith('::')).toBe(false);
  });
});

describe('renderApplyText', () => {
  const result = applied([
    { target: WS1_DEFAULT, name: 'kafka-orders', action: 'register', status: 'done', durationMs: 1234 },
    { target: { workspaceId: 'ws', namespace: 'ns' }, name: 'old', action: 'delete', status: 'done', durationMs: 800, tables: [{ catalogName: 'vvp', databaseName: 'db', tableName: 'orders' }] },
    { target: WS1_DEFAULT, name: 'jdbc', action: 'replace', status: 'failed', durationMs: 2500, message: 'JAR not readable' },
    { target: WS1_DEFAULT, name: 'later', action: 'register', status: 'skipped', durationMs: 0, message: 'an earlier change failed' },
  ]);
  const lines = renderApplyText(result).split('\n');

  it('says what happened to each connector, with its duration', () => {
    expect(lines).toContain('registered kafka-orders in ws-1/default (1.2 s)');
    expect(lines).toContain('deleted old in ws/ns (0.8 s)');
    expect(lines).toContain('    tables built on it: vvp.db.orders');
    expect(lines).toContain('failed to replace jdbc in ws-1/default (2.5 s): JAR not readable');
    expect(lines).toContain('skipped register of later in ws-1/default: an earlier change failed');
  });

  it('ends with the Apply line', () => {
    expect(lines.at(-1)).toBe('Apply: 2 done, 1 failed, 1 skipped.');
  });
});
