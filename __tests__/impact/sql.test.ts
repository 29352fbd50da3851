import { describe, expect, it } from 'vitest';
import { scanSql } from '../../src/impact/sql.js';

const inline = (sql: string): string[] => [...scanSql(sql).inlineConnectors].sort();
const refs = (sql: string): string[] => [...scanSql(sql).tableRefs].sort();

describe('scanSql: connectors declared inline', () => {
  it.each([
    ["WITH ('connector' = 'kafka-orders', 'topic' = 'x')"],
    ['WITH ("connector"="kafka-orders")'],
    ["WITH (\n  'CONNECTOR'   =\n    'kafka-orders'\n)"],
    ["WITH ( `Connector` = 'kafka-orders' )"],
    ["with ('connector' = ' kafka-orders ')"],
  ])('finds the type in %s', (withClause) => {
    expect(inline(`CREATE TEMPORARY TABLE orders (id INT) ${withClause};`)).toEqual(['kafka-orders']);
  });

  it('finds every declaration, and none in comments', () => {
    const sql = `
      -- 'connector' = 'commented-out'
      /* WITH ('connector' = 'also-commented') */
      CREATE TEMPORARY TABLE a (x INT) WITH ('connector' = 'kafka-orders');
      CREATE TEMPORARY TABLE b (x INT) WITH ('connector' = 'redis-cache', 'host' = 'h');`;
    expect(inline(sql)).toEqual(['kafka-orders', 'redis-cache']);
  });

  it('does not take a column named connector for a declaration', () => {
    expect(inline("SELECT * FROM t WHERE connector = 'kafka-orders'")).toEqual([]);
  });

  it('does not take another key whose value mentions connector', () => {
    expect(inline("WITH ('connector.version' = 'kafka-orders', 'x' = 'connector')")).toEqual([]);
  });
});

describe('scanSql: catalog tables named', () => {
  it('resolves one-, two- and three-part names against the default catalog and database', () => {
    const r = refs('INSERT INTO sink SELECT * FROM shop.orders JOIN hive.dw.users ON true');
    expect(r).toEqual(expect.arrayContaining(['vvp.default.sink', 'vvp.shop.orders', 'hive.dw.users']));
  });

  it('follows USE CATALOG and USE', () => {
    expect(refs('USE CATALOG hive; USE dw; SELECT * FROM users')).toContain('hive.dw.users');
    expect(refs('USE hive.dw; SELECT * FROM users')).toContain('hive.dw.users');
  });

  it('reads `quoted` identifiers and ignores case', () => {
    expect(refs('SELECT * FROM `Hive`.`DW`.`Users`')).toContain('hive.dw.users');
  });

  it('does not take a temporary table for the catalog table of the same name', () => {
    const r = refs("CREATE TEMPORARY TABLE orders (id INT) WITH ('connector' = 'datagen'); INSERT INTO out SELECT * FROM orders");
    expect(r).not.toContain('vvp.default.orders');
    expect(r).toContain('vvp.default.out');
  });

  it('never throws, whatever the script', () => {
    for (const sql of ['', "'unterminated", '/* open', '`', 'USE', 'USE CATALOG', "'connector' =", '....']) expect(() => scanSql(sql)).not.toThrow();
  });
});
