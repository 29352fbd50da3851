import { describe, expect, it } from 'vitest';
import { impactLine, impactOf, impactSentence, unknownImpact, usageOf } from '../../src/impact/impact.js';

const usage = usageOf(
  [
    { name: 'orders-etl', kind: 'SQLSCRIPT', running: 2, sql: "CREATE TEMPORARY TABLE o (id INT) WITH ('connector' = 'kafka-orders'); INSERT INTO x SELECT * FROM o" },
    { name: 'audit', kind: 'SQLSCRIPT', running: 0, sql: 'INSERT INTO audit_out SELECT * FROM vvp.default.orders_topic' },
    { name: 'both', kind: 'SQLSCRIPT', running: 1, sql: "CREATE TEMPORARY TABLE t (a INT) WITH ('connector'='kafka-orders'); SELECT * FROM orders_topic" },
    { name: 'jar-job', kind: 'JAR', running: 3 },
    { name: 'other', kind: 'SQLSCRIPT', running: 5, sql: "CREATE TEMPORARY TABLE t (a INT) WITH ('connector'='datagen')" },
  ],
  [
    { id: 'vvp.default.orders_topic', connector: 'kafka-orders' },
    { id: 'vvp.default.cache', connector: 'redis-cache' },
    { id: 'hive.dw.archive', connector: 'kafka-orders' },
    { id: 'hive.dw.plain' },
  ],
  false,
);

describe('impactOf', () => {
  it('finds users inline and through catalog tables, running first, with the tables built on it', () => {
    const impact = impactOf('kafka-orders', usage);
    expect(impact).toEqual({
      known: true,
      incomplete: false,
      tables: ['hive.dw.archive', 'vvp.default.orders_topic'],
      deployments: [
        { name: 'both', kind: 'SQLSCRIPT', running: 1, via: ['inline', 'table'] },
        { name: 'orders-etl', kind: 'SQLSCRIPT', running: 2, via: ['inline'] },
        { name: 'audit', kind: 'SQLSCRIPT', running: 0, via: ['table'] },
      ],
    });
  });

  it('finds nobody for a type nothing uses', () => {
    expect(impactOf('http-lookup', usage)).toMatchObject({ deployments: [], tables: [] });
  });

  it('carries an incomplete walk through', () => {
    expect(impactOf('redis-cache', usageOf([], [{ id: 'a.b.c', connector: 'redis-cache' }], true))).toMatchObject({ tables: ['a.b.c'], incomplete: true });
  });
});

describe('impactLine and impactSentence', () => {
  const impact = impactOf('kafka-orders', usage);

  it('says who, how many are running, and the tables, capped with "and N more"', () => {
    expect(impactLine(impact)).toBe(
      'used by 2 running deployments: both (1 running), orders-etl (2 running); 1 deployment with no running job: audit; 2 tables: hive.dw.archive, vvp.default.orders_topic',
    );
    expect(impactLine(impact, 1)).toBe('used by 2 running deployments: both (1 running) and 1 more; 1 deployment with no running job: audit; 2 tables: hive.dw.archive and 1 more');
  });

  it('says incomplete and unknown', () => {
    expect(impactLine({ ...impact, incomplete: true })).toMatch(/; incomplete: the catalog scan stopped at impact-scan-limit tables$/);
    expect(impactLine(unknownImpact('missing RAM permission stream:ListDeployments'))).toBe('impact unknown (missing RAM permission stream:ListDeployments)');
    expect(impactLine({ known: true, deployments: [], tables: [], incomplete: false })).toBe('used by no deployment; 0 tables');
  });

  it('says what happens to the jobs, per action', () => {
    expect(impactSentence('replace', impact)).toMatch(/keep the old JAR until they restart/);
    expect(impactSentence('delete', impact)).toMatch(/fail on their next restart/);
    expect(impactSentence('delete', unknownImpact('x'))).toBeUndefined();
    expect(impactSentence('replace', { known: true, deployments: [], tables: [], incomplete: false })).toBeUndefined();
  });
});
