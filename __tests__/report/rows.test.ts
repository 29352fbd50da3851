/** How one change reads in the comment and the summary: impact, declared offer, JAR diff, Type column, refusal. */
import { describe, expect, it } from 'vitest';
import type { DesiredConnector, Impact } from '../../src/model.js';
import { commentMarker, renderComment, renderSummary } from '../../src/report/markdown.js';
import { renderPlanText } from '../../src/report/text.js';
import { CONTEXT, WS1_DEFAULT, item, makePlan } from './fixtures.js';

const users = Array.from({ length: 8 }, (_, i) => ({ name: `job-${i}`, kind: 'SQLSCRIPT', running: i + 1, via: ['inline' as const] }));
const impact: Impact = { known: true, deployments: users, tables: ['vvp.default.orders', 'vvp.default.returns'], incomplete: false };
const desired = (extra: Partial<DesiredConnector>): DesiredConnector => ({
  target: WS1_DEFAULT,
  name: 'kafka-orders',
  type: 'kafka-orders',
  jarUrl: 'oss://b/kafka-orders-1.0.0.jar',
  state: 'present',
  location: { file: 'connectors/k.yaml', line: 1 },
  ...extra,
});

const comment = (plan: ReturnType<typeof makePlan>, refusal?: string): string => renderComment({ plan, marker: commentMarker('k'), context: CONTEXT, refusal });
const summary = (plan: ReturnType<typeof makePlan>): string => renderSummary({ plan, context: CONTEXT });
const rowOf = (body: string, name: string): string => body.split('\n').find((l) => l.startsWith('|') && l.includes(`| ${name} |`)) ?? '';

describe('the impact under a replace or delete', () => {
  const plan = makePlan([item('replace', 'kafka-orders', { impact }), item('delete', 'redis-cache', { impact: { known: false, deployments: [], tables: [], incomplete: false, note: 'missing RAM permission stream:GetTables' } })]);

  it('is capped with "and N more" in the comment, with one sentence on the jobs', () => {
    const row = rowOf(comment(plan), 'kafka-orders');
    expect(row).toContain('**Impact:** used by 8 running deployments: job-0 (1 running), job-1 (2 running), job-2 (3 running), job-3 (4 running), job-4 (5 running) and 3 more; 2 tables: vvp.default.orders, vvp.default.returns');
    expect(row).toContain('Running jobs keep the old JAR until they restart');
  });

  it('is in full in the summary', () => {
    expect(rowOf(summary(plan), 'kafka-orders')).toContain('job-7 (8 running)');
  });

  it('says "impact unknown" and why', () => {
    expect(rowOf(comment(plan), 'redis-cache')).toContain('**Impact:** impact unknown (missing RAM permission stream:GetTables)');
  });

  it('is in the log text', () => {
    const text = renderPlanText(plan);
    expect(text).toContain('        impact: used by 8 running deployments: job-0 (1 running)');
    expect(text).toContain('        Running jobs keep the old JAR until they restart; a restart picks up the new one.');
  });
});

describe('rows', () => {
  it('shows what a new connector is declared to provide, when declared', () => {
    const plan = makePlan([
      item('register', 'kafka-orders', { desired: desired({ source: true, sink: true, lookup: false, supportedFormats: ['json', 'avro'], dependencies: ['oss://b/extra.jar'] }) }),
      item('register', 'plain', { desired: desired({ name: 'plain', type: 'plain' }) }),
    ]);
    const body = comment(plan);
    expect(rowOf(body, 'kafka-orders')).toContain('<br>Provides: source, sink · formats: json, avro · dependencies: oss://b/extra.jar');
    expect(rowOf(body, 'plain')).not.toContain('Provides');
  });

  it('shows a JAR change as a short diff, with the full URLs in the details, once', () => {
    const from = 'oss://flink-artifacts/connectors/kafka-orders-1.0.0.jar';
    const to = 'oss://flink-artifacts/connectors/kafka-orders-2.0.0.jar';
    const plan = makePlan([
      item('replace', 'kafka-orders', {
        reason: 'the JAR changed',
        jarUrl: to,
        recorded: { jarUrl: from, type: 'kafka-orders', commit: 'c' },
        differences: [`jar_url: recorded ${from}, declared ${to}`],
      }),
    ]);
    const row = rowOf(comment(plan), 'kafka-orders');
    expect(row).toContain(`the JAR changed<br><details><summary>JAR: kafka-orders-1.0.0.jar -&gt; kafka-orders-2.0.0.jar</summary>${from} -&gt; ${to}</details>`);
    expect(row).not.toContain('jar&#95;url');
  });

  it('has a Type column only where a type differs from its name', () => {
    const plan = makePlan([item('register', 'orders'), item('register', 'redis-sink', { type: 'redis-cache' })]);
    const body = comment(plan);
    expect(body).toContain('| | Connector | Type | Change |');
    expect(rowOf(body, 'redis-sink')).toMatch(/^\| `\+` \| redis-sink \| redis-cache \| /);
    expect(rowOf(body, 'orders')).toMatch(/^\| `\+` \| orders \| {2}\| /);
  });

  it('says why a plan is refused, above the tables', () => {
    const body = comment(makePlan([item('delete', 'old')]), 'allow-deletes is false, but the plan deletes 1 connector(s): old in ws-1/default.');
    expect(body).toContain('> [!CAUTION]\n> **Refused:** allow-deletes is false');
    expect(body.indexOf('Refused')).toBeLessThan(body.indexOf('| `-` | old |'));
  });
});
