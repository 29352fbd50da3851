import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CatalogError, loadCatalogFile, parseCatalog, specToConnector } from '../../src/emulator/catalog.js';

const FIXTURE = fileURLToPath(new URL('../../__fixtures__/catalog/catalog.yaml', import.meta.url));

function problemsOf(text: string): readonly string[] {
  try {
    parseCatalog(text, 'test.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogError);
    return (error as CatalogError).problems;
  }
  throw new Error('expected the catalog to be refused');
}

describe('the shipped catalog', () => {
  it('loads and holds the JARs the tests and the demo rely on', async () => {
    const { catalog, tables } = await loadCatalogFile(FIXTURE);
    expect(Object.keys(catalog).length).toBeGreaterThanOrEqual(6);

    const v1 = catalog['oss://flink-artifacts/connectors/kafka-orders-1.0.0.jar'];
    const v2 = catalog['oss://flink-artifacts/connectors/kafka-orders-2.0.0.jar'];
    expect(v1?.map(specToConnector)[0]).toMatchObject({ type: 'kafka-orders', source: true, sink: true, lookup: false, supportedFormats: ['json', 'avro'] });
    expect(v2?.[0]).toMatchObject({ type: 'kafka-orders', supportedFormats: ['json', 'avro', 'csv'] });

    // The file name suggests one type, the JAR declares another.
    expect(catalog['oss://flink-artifacts/connectors/redis-sink-1.2.0.jar']?.[0]?.type).toBe('redis-cache');
    expect(Object.keys(catalog).some((url) => url.startsWith('https://'))).toBe(true);
    expect(catalog['oss://flink-artifacts/connectors/clickhouse-bundle-1.0.0.jar']).toHaveLength(2);
    expect(catalog['oss://flink-artifacts/connectors/mysql-cdc-2.4.2.jar']?.[0]).toMatchObject({
      source: true,
      lookup: true,
      dependencies: ['oss://flink-artifacts/deps/mysql-driver-8.0.33.jar'],
    });
    expect(catalog['oss://flink-artifacts/connectors/commons-utils-1.0.0.jar']).toEqual([]);
    expect(tables['kafka-orders']?.length).toBe(2);
  });
});

describe('parseCatalog', () => {
  it('accepts JSON and fills defaults', () => {
    const { catalog, tables } = parseCatalog('{"jars": {"https://example.com/a.jar": [{"type": "a"}]}}');
    expect(tables).toEqual({});
    expect(specToConnector(catalog['https://example.com/a.jar']![0]!)).toEqual({
      name: 'a',
      type: 'a',
      source: false,
      sink: false,
      lookup: false,
      properties: [],
      supportedFormats: [],
      dependencies: [],
    });
  });

  it('reports every problem with its location', () => {
    const problems = problemsOf(`
jars:
  ftp://nope/a.jar:
    - type: a
  oss://b/b.jar:
    - name: b
      sink: 'yes'
      supportedFormats: json
      colour: red
    - type: c
    - type: c
  oss://d/d.jar: not-a-list
tables:
  a: [{ catalogName: vvp }]
extra: 1
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'unknown top-level key `extra` (expected jars, tables, usage)',
        'jars["ftp://nope/a.jar"]: the key must be an oss://, https:// or http:// URL',
        'jars["oss://b/b.jar"][0]: unknown key `colour`',
        'jars["oss://b/b.jar"][0].type: required, must be a non-empty string',
        'jars["oss://b/b.jar"][0].sink: must be true or false',
        'jars["oss://b/b.jar"][0].supportedFormats: must be a list of strings',
        'jars["oss://b/b.jar"]: declares type `c` twice',
        'jars["oss://d/d.jar"]: must be a list of connectors (an empty list for a JAR that declares none)',
        'tables["a"][0].databaseName: required, must be a non-empty string',
      ]),
    );
    expect(problems).toHaveLength(10);
  });

  it('reports unreadable YAML and a document of the wrong shape', () => {
    expect(problemsOf('jars: [unclosed')[0]).toMatch(/^not valid YAML\/JSON/);
    expect(problemsOf('- a\n- b')).toEqual(['the document must be a mapping with a `jars` key']);
  });
});

describe('the usage key', () => {
  it('seeds deployments and tables per target', () => {
    const { usage } = parseCatalog(`jars: {}
usage:
  - workspaceId: ws
    namespace: ns
    deployments: [{ name: etl, running: 2, sql: "WITH ('connector' = 'k')" }, { name: jar-job, kind: JAR }]
    tables: [{ table: vvp.default.t, connector: k }]
`);
    expect(usage).toEqual([
      {
        workspaceId: 'ws',
        namespace: 'ns',
        deployments: [{ name: 'etl', running: 2, sql: "WITH ('connector' = 'k')" }, { name: 'jar-job', kind: 'JAR' }],
        tables: [{ table: 'vvp.default.t', connector: 'k' }],
      },
    ]);
  });

  it('reports every problem', () => {
    expect(() => parseCatalog('jars: {}\nusage: [{ workspaceId: ws, deployments: [{ running: -1 }], tables: [{ table: t }], extra: 1 }]', 'u.yaml')).toThrow(
      expect.objectContaining({
        problems: expect.arrayContaining([
          'usage[0]: unknown key `extra`',
          'usage[0].namespace: must be a non-empty string',
          'usage[0].deployments[0].name: must be a non-empty string',
          'usage[0].deployments[0].running: must be a whole number >= 0',
          'usage[0].tables[0].table: must be catalog.database.table',
        ]),
      }),
    );
  });
});

/** docs/catalog.md is the only description of the format a user writes: every key the loader takes is in it. */
describe('docs/catalog.md', () => {
  it('documents every top-level key and the usage fields, and its example loads', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../docs/catalog.md', import.meta.url)), 'utf8');
    for (const key of ['jars', 'tables', 'usage']) expect(doc, key).toContain(`| \`${key}\``);
    for (const field of ['workspaceId', 'namespace', 'deployments', 'name', 'kind', 'sql', 'running', 'table', 'connector']) expect(doc, field).toContain(`\`${field}\``);
    const example = doc.split('```yaml\n')[1]?.split('```')[0] ?? '';
    const parsed = parseCatalog(example);
    expect(parsed.usage.length).toBeGreaterThan(0);
  });
});
