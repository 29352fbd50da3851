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
const rowOf = (body: string, name: string): string => body.split('\n').find((l) => l.startsWith('|') && (l.includes(`| ${name} |`) || l.includes(`| ${name} <sub>`))) ?? '';

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
    // One line: the JAR's file name and what it provides; the URL and the dependencies folded under it.
    expect(rowOf(body, 'kafka-orders')).toContain(
      '| <details><summary>JAR kafka-orders.jar · Provides: source, sink · formats: json, avro · 1 dependency</summary>oss://bucket/connectors/kafka-orders.jar<br>dependencies: oss://b/extra.jar</details> |',
    );
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

  it('shows the type beside the name only where it differs from the name, with no Type column', () => {
    const plan = makePlan([item('register', 'orders'), item('register', 'redis-sink', { type: 'redis-cache' })]);
    const body = comment(plan);
    expect(body).not.toContain('Type |');
    expect(rowOf(body, 'redis-sink')).toMatch(/^\| \*\*register\*\* \| redis-sink <sub>type redis-cache<\/sub> \| /);
    expect(rowOf(body, 'orders')).toMatch(/^\| \*\*register\*\* \| orders \| <details>/);
  });

  it('says why a plan is refused, above the tables', () => {
    const body = comment(makePlan([item('delete', 'old')]), 'allow-deletes is false, but the plan deletes 1 connector: old in ws-1/default.');
    expect(body).toContain('> [!CAUTION]\n> **Refused:** allow-deletes is false');
    expect(body.indexOf('Refused')).toBeLessThan(body.indexOf('| **delete** | old |'));
    // The refusal names what it refuses: no Warning saying it again.
    expect(body).not.toContain('[!WARNING]');
  });
});

describe('risk first', () => {
  const running = (name: string, jobs: number) => ({ name, kind: 'SQLSCRIPT', running: jobs, via: ['inline' as const] });
  const used: Impact = { known: true, deployments: [running('a', 3), running('b', 2), running('c', 2)], tables: [], incomplete: false };
  const idle: Impact = { known: true, deployments: [], tables: [], incomplete: false };
  const plan = makePlan([
    item('register', 'new-one'),
    item('replace', 'quiet', { impact: idle }),
    item('replace', 'kafka-orders', { impact: used }),
    item('delete', 'cache', { impact: { ...used, deployments: [running('warmer', 1)] } }),
  ]);

  it('names each replace and delete that touches running jobs in a Caution right under the Plan line, before any table', () => {
    const body = comment(plan);
    const lines = body.split('\n');
    const planLine = lines.findIndex((l) => l.startsWith('**Plan:'));
    expect(lines.slice(planLine + 1, planLine + 5)).toEqual([
      '',
      '> [!CAUTION]',
      '> - `kafka-orders`: **replace** — 3 running deployments, 7 jobs keep the old JAR until they restart: a, b, c',
      '> - `cache`: **delete** — 1 running deployment, 1 job fails on the next restart: warmer',
    ]);
    expect(body.indexOf('[!CAUTION]')).toBeLessThan(body.indexOf('| Action |'));
    // The replace nobody runs is still named, apart, in the Warning.
    expect(body).toContain('> 1 connector will be replaced (deleted, then registered again): quiet.');
    expect(body).not.toMatch(/will be (deleted|replaced)[^\n]*(kafka-orders|cache)/);
  });

  it('lists the jobs to restart after the apply', () => {
    const result = { ok: true, outcomes: [{ target: WS1_DEFAULT, name: 'kafka-orders', action: 'replace' as const, status: 'done' as const, durationMs: 1000 }] };
    const body = renderComment({ plan, marker: commentMarker('k'), context: CONTEXT, applied: result });
    expect(body).toContain('> [!IMPORTANT]\n> Restart to pick up the new JAR:\n> - `kafka-orders`: a (3 running), b (2 running), c (2 running)');
    expect(body.indexOf('Restart to pick up')).toBeLessThan(body.indexOf('<details><summary>The plan'));
    // The impact stays in the folded plan.
    expect(body.slice(body.indexOf('<details><summary>The plan'))).toContain('**Impact:** used by 3 running deployments');
  });
});

describe('rows say what they touch', () => {
  it('shows a namespace move as one move row and a count beside the Plan line, which keeps its wording', () => {
    const analytics = { workspaceId: 'ws-1', namespace: 'analytics' };
    const plan = makePlan([
      item('register', 's3-archive'),
      item('delete', 's3-archive', { target: analytics, reason: 'applied by this action before, but no longer declared in any definition (file removed, or the connector moved)' }),
    ]);
    const body = comment(plan);
    expect(body).toContain('**Plan: 1 to register, 0 to replace, 1 to delete.**\n\n**1 move:** `s3-archive` ws-1/analytics → ws-1/default (counted above as a register and a delete).');
    const rows = body.split('\n').filter((l) => l.startsWith('| **'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^\| \*\*move\*\* \| s3-archive \| from ws-1\/analytics → ws-1\/default<br><details>/);
    expect(body).not.toContain('will be deleted');
  });

  it('says what a delete removes: type, JAR and description', () => {
    const plan = makePlan([item('delete', 'old', { type: 'kafka', recorded: { jarUrl: 'oss://b/old-kafka-1.2.jar', type: 'kafka', description: 'Old Kafka', commit: 'c' } })]);
    expect(rowOf(comment(plan), 'old')).toContain('<br>Deletes: type kafka · JAR old-kafka-1.2.jar · Old Kafka');
  });

  it('reads "absent" for a state: absent connector that is already gone', () => {
    const plan = makePlan([item('unchanged', 'gone', { reason: 'state: absent and not registered', desired: desired({ name: 'gone', state: 'absent' }) }), item('unchanged', 'kept')]);
    expect(comment(plan)).toContain('<details><summary>2 unchanged</summary>\n\ngone (absent), kept\n\n</details>');
    expect(summary(plan)).toContain('| gone (absent) |');
  });

  it('reads a format change as a diff', () => {
    const plan = makePlan([item('replace', 'k', { differences: ['supported_formats: live csv, json, declared avro, json'] })]);
    expect(rowOf(comment(plan), 'k')).toContain('<br>• supported&#95;formats: + avro, − csv<br>');
  });

  it('folds a long register-only table under its count', () => {
    const plan = makePlan(Array.from({ length: 12 }, (_, i) => item('register', `c-${String(i).padStart(2, '0')}`)));
    expect(comment(plan)).toContain('<details><summary>12 to register</summary>\n\n| Action | Connector | Change |');
  });
});

describe('the job summary', () => {
  it('puts changes first and folds unchanged connectors', () => {
    const plan = makePlan([...Array.from({ length: 5 }, (_, i) => item('unchanged', `u-${i}`)), item('delete', 'old')]);
    const out = summary(plan);
    expect(out.indexOf('| **delete** | old |')).toBeLessThan(out.indexOf('<details><summary>5 unchanged</summary>'));
    expect(out).toContain('<details><summary>5 unchanged</summary>\n\n| Connector |\n|---|\n| u-0 |');
  });
});

describe('length (a proxy for the rendered height)', () => {
  /** Table rows a reader sees without opening anything: folded blocks and folded cells removed. */
  const visibleRows = (markdown: string): number =>
    markdown
      .replace(/<details><summary>[^\n]*?<\/details>/g, '')
      .replace(/<details>[\s\S]*?<\/details>/g, '')
      .split('\n')
      .filter((l) => l.startsWith('|') && !l.startsWith('|---')).length;

  const targets = ['analytics', 'default', 'staging'].map((namespace) => ({ workspaceId: 'ws-1', namespace }));
  const plan = makePlan(Array.from({ length: 40 }, (_, i) => item('register', `connector-${String(i).padStart(2, '0')}`, { target: targets[i % 3] })));

  it('folds a 40-connector first plan to its counts, and its applied comment too', () => {
    const first = comment(plan);
    expect(visibleRows(first)).toBe(0);
    expect(first.match(/<details><summary>1[34] to register<\/summary>/g)).toHaveLength(3);
    const result = { ok: true, outcomes: plan.targets.flatMap((t) => t.items.map((i) => ({ target: i.target, name: i.name, action: 'register' as const, status: 'done' as const, durationMs: 900 }))) };
    const after = renderComment({ plan, marker: commentMarker('k'), context: CONTEXT, applied: result });
    expect(visibleRows(after)).toBe(0);
    expect(after).toContain('**Applied 40 of 40 at `0123456`**');
    expect(after).toContain('<details><summary>40 changes, each done</summary>');
    // Every register row is one line: no break inside the cell.
    for (const row of first.split('\n').filter((l) => l.startsWith('| **register**'))) expect(row).not.toContain('<br>');
  });
});
