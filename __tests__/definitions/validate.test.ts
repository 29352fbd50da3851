import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_ERRORS_PER_FILE, loadDefinitions } from '../../src/definitions/validate.js';
import { BAD_CASES, INPUT_DEFAULTS } from './bad-cases.js';

const fixtures = fileURLToPath(new URL('../../__fixtures__/definitions/', import.meta.url));
const fixture = (path: string): { path: string; content: string } => ({
  path,
  content: readFileSync(`${fixtures}${path}`, 'utf8'),
});

describe('loadDefinitions: bad inputs', () => {
  it('has at least 40 distinct cases', () => {
    expect(BAD_CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(BAD_CASES.map((c) => c.name)).size).toBe(BAD_CASES.length);
  });

  it.each(BAD_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const files = Object.entries(c.files).map(([path, content]) => ({ path, content }));
    const { errors } = loadDefinitions(files, c.defaults ?? INPUT_DEFAULTS);
    const described = errors.map((e) => `${e.location.file}:${e.location.line} ${e.message}`);
    const hit = errors.find(
      (e) => e.location.file === c.file && e.location.line === c.line && e.message.includes(c.message),
    );
    expect(hit, `expected ${c.file}:${c.line} "${c.message}" among:\n${described.join('\n')}`).toBeDefined();
    if (c.secret !== undefined) {
      for (const e of errors) expect(e.message).not.toContain(c.secret);
    }
  });
});

describe('loadDefinitions: the bad fixtures', () => {
  it('reports every problem of every file at once, and keeps the clean connectors', () => {
    const files = ['dup-first.yaml', 'dup-second.yaml', 'many-errors.yaml'].map((f) => fixture(`bad/connectors/${f}`));
    const { connectors, errors } = loadDefinitions(files, {});
    const where = errors.map((e) => `${e.location.file.replace('bad/connectors/', '')}:${e.location.line}`);
    expect(where).toEqual([
      'dup-second.yaml:1', // name kafka again
      'dup-second.yaml:8', // type kafka again
      'many-errors.yaml:4', // conectors
      'many-errors.yaml:6', // name with a space
      'many-errors.yaml:8', // ftp
      'many-errors.yaml:10', // conector_type (also what makes connector_type missing: one error)
      'many-errors.yaml:15', // source: yes
      'many-errors.yaml:16', // state: gone
      'many-errors.yaml:17', // a string entry
      'many-errors.yaml:18', // kafka declared in dup-first.yaml
    ]);
    expect(errors[0]?.message).toContain('first at bad/connectors/dup-first.yaml:4');
    expect(connectors.map((c) => c.name)).toEqual(['kafka']);
  });
});

describe('loadDefinitions: good inputs', () => {
  it('accepts `state: absent` without connector_type and jar_url', () => {
    const { connectors, errors } = loadDefinitions(
      [{ path: 'c.yaml', content: 'connector_name: gone\nstate: absent\n' }],
      INPUT_DEFAULTS,
    );
    expect(errors).toEqual([]);
    expect(connectors).toEqual([
      {
        target: { workspaceId: 'ws-input', namespace: 'ns-input' },
        name: 'gone',
        state: 'absent',
        location: { file: 'c.yaml', line: 1, column: 1 },
      },
    ]);
  });

  it('ignores empty files, empty documents and comment-only files', () => {
    const { connectors, errors } = loadDefinitions(
      [
        { path: 'a.yaml', content: '' },
        { path: 'b.yaml', content: '# nothing\n' },
        { path: 'c.yaml', content: '---\n---\n...\n' },
        { path: 'd.yaml', content: '~\n' },
      ],
      INPUT_DEFAULTS,
    );
    expect(errors).toEqual([]);
    expect(connectors).toEqual([]);
  });

  it('applies connector field > file-level field > input default', () => {
    const content = [
      'workspace_id: ws-file',
      'connectors:',
      '  - connector_name: a',
      '    connector_type: a',
      '    jar_url: oss://b/a.jar',
      '  - connector_name: b',
      '    connector_type: b',
      '    jar_url: oss://b/b.jar',
      '    workspace_id: ws-own',
      '    namespace_name: ns-own',
      '',
    ].join('\n');
    const { connectors, errors } = loadDefinitions([{ path: 'c.yaml', content }], INPUT_DEFAULTS);
    expect(errors).toEqual([]);
    expect(connectors.map((c) => [c.name, c.target.workspaceId, c.target.namespace])).toEqual([
      ['a', 'ws-file', 'ns-input'],
      ['b', 'ws-own', 'ns-own'],
    ]);
  });

  it('allows the same type in different namespaces, and a type freed by `state: absent`', () => {
    const content = [
      'connectors:',
      '  - {connector_name: a, connector_type: kafka, jar_url: "oss://b/a.jar", namespace_name: one}',
      '  - {connector_name: b, connector_type: kafka, jar_url: "oss://b/b.jar", namespace_name: two}',
      '  - {connector_name: c, connector_type: kafka, state: absent, namespace_name: one}',
      '',
    ].join('\n');
    const { connectors, errors } = loadDefinitions([{ path: 'c.yaml', content }], INPUT_DEFAULTS);
    expect(errors).toEqual([]);
    expect(connectors.map((c) => c.name)).toEqual(['a', 'b', 'c']);
  });

  it('keeps dates, `yes` and numbers-looking text as written when quoted or in a string field', () => {
    const content = 'connector_name: "0123"\nconnector_type: t\njar_url: oss://b/t.jar\ndescription: 2024-01-01\nsupported_formats: ["yes", "1.0"]\n';
    const { connectors, errors } = loadDefinitions([{ path: 'c.yaml', content }], INPUT_DEFAULTS);
    expect(errors).toEqual([]);
    expect(connectors[0]).toMatchObject({ name: '0123', description: '2024-01-01', supportedFormats: ['yes', '1.0'] });
  });

  it('shares values through a small alias', () => {
    const content = [
      'connectors:',
      '  - connector_name: a',
      '    connector_type: a',
      '    jar_url: oss://b/a.jar',
      '    supported_formats: &formats [json, csv]',
      '  - connector_name: b',
      '    connector_type: b',
      '    jar_url: oss://b/b.jar',
      '    supported_formats: *formats',
      '',
    ].join('\n');
    const { connectors, errors } = loadDefinitions([{ path: 'c.yaml', content }], INPUT_DEFAULTS);
    expect(errors).toEqual([]);
    expect(connectors[1]?.supportedFormats).toEqual(['json', 'csv']);
  });

  it('reads the good fixtures of both forms', () => {
    const files = ['connectors/defaults.yaml', 'connectors/empty.yaml', 'connectors/kafka.yaml', 'connectors/team-b/warehouse.yml'].map(
      (f) => fixture(`good/${f}`),
    );
    const { connectors: withLines, errors } = loadDefinitions(files, { workspaceId: 'ws-default', namespace: 'default' });
    expect(errors).toEqual([]);
    // The line of each expectation key, for annotations on a contradicted one.
    expect(withLines.find((c) => c.name === 'kafka-avro')?.expectationLines).toEqual({ connector_type: 4, source: 9, sink: 10, lookup: 11, supported_formats: 12, dependencies: 13 });
    expect(withLines.find((c) => c.name === 'legacy-redis')?.expectationLines).toBeUndefined();
    const connectors = withLines.map(({ expectationLines: _lines, ...c }) => c);
    const def = { workspaceId: 'ws-default', namespace: 'default' };
    expect(connectors).toEqual([
      {
        target: def,
        name: 'hbase',
        type: 'hbase-2.2',
        jarUrl: 'oss://flink-connectors/hbase-2.2.jar',
        lookup: true,
        state: 'present',
        location: { file: 'good/connectors/defaults.yaml', line: 3, column: 1 },
      },
      {
        target: def,
        name: 'redis',
        type: 'redis',
        jarUrl: 'oss://flink-connectors/redis.jar',
        description: 'Redis, quoted: with a colon',
        state: 'present',
        location: { file: 'good/connectors/defaults.yaml', line: 11, column: 5 },
      },
      {
        target: def,
        name: 'old-es',
        type: 'elasticsearch6',
        state: 'absent',
        location: { file: 'good/connectors/defaults.yaml', line: 15, column: 5 },
      },
      {
        target: { workspaceId: 'ws-prod-01', namespace: 'analytics' },
        name: 'kafka-avro',
        type: 'kafka-avro',
        jarUrl: 'oss://flink-connectors/kafka-avro-1.2.0.jar',
        description: 'Kafka with the Avro schema registry',
        source: true,
        sink: true,
        lookup: false,
        supportedFormats: ['avro', 'avro-confluent'],
        dependencies: ['oss://flink-connectors/avro-1.11.jar'],
        state: 'present',
        location: { file: 'good/connectors/kafka.yaml', line: 3, column: 1 },
      },
      {
        target: { workspaceId: 'ws-prod-01', namespace: 'warehouse' },
        name: 'mysql-sink',
        type: 'mysql-sink',
        jarUrl: 'https://artifacts.example.com/mysql-sink-3.0.jar',
        sink: true,
        supportedFormats: ['json', 'csv'],
        state: 'present',
        location: { file: 'good/connectors/team-b/warehouse.yml', line: 6, column: 5 },
      },
      {
        target: { workspaceId: 'ws-prod-01', namespace: 'reporting' },
        name: 'clickhouse',
        type: 'clickhouse',
        jarUrl: 'http://artifacts.example.internal/clickhouse-0.9.jar',
        description: '2024-01-01',
        state: 'present',
        location: { file: 'good/connectors/team-b/warehouse.yml', line: 13, column: 5 },
      },
      {
        target: { workspaceId: 'ws-prod-01', namespace: 'warehouse' },
        name: 'legacy-redis',
        state: 'absent',
        location: { file: 'good/connectors/team-b/warehouse.yml', line: 19, column: 5 },
      },
    ]);
  });
});

describe('loadDefinitions: one message per problem', () => {
  it('reports a wrong dependency item once', () => {
    const content = 'connector_name: a\nconnector_type: a\njar_url: oss://b/a.jar\ndependencies: [oss://b/x.jar, 7]\n';
    const { errors } = loadDefinitions([{ path: 'c.yaml', content }], INPUT_DEFAULTS);
    expect(errors).toEqual([
      {
        message: 'item 2 of `dependencies` must be a string, found a number (`7`); put the value in quotes to make it a string',
        location: { file: 'c.yaml', line: 4, column: 31 },
      },
    ]);
  });

  it('reports a jar_url of the wrong type once, without claiming credentials', () => {
    const content = 'connector_name: a\nconnector_type: a\njar_url: 42\n';
    const { errors } = loadDefinitions([{ path: 'c.yaml', content }], INPUT_DEFAULTS);
    expect(errors.map((e) => e.message)).toEqual(['`jar_url` must be a string, found a number']);
  });

  it('reports missing fields in one message on the mapping line', () => {
    const { errors } = loadDefinitions([{ path: 'c.yaml', content: '\n\nconnector_name: a\n' }], INPUT_DEFAULTS);
    expect(errors).toEqual([
      {
        message: 'connector `a`: missing required fields `connector_type` and `jar_url` (required unless `state: absent`)',
        location: { file: 'c.yaml', line: 3, column: 1 },
      },
    ]);
  });
});

describe('loadDefinitions: pre-signed URLs', () => {
  it.each([
    ['OSS v1', 'https://b.oss-cn-hangzhou.aliyuncs.com/k.jar?OSSAccessKeyId=LTAIx&Expires=1&Signature=c2lnbmVk'],
    ['OSS v4', 'https://b.oss-cn-hangzhou.aliyuncs.com/k.jar?x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=LTAIx&x-oss-signature=c2lnbmVk'],
    ['STS token', 'https://b.oss-cn-hangzhou.aliyuncs.com/k.jar?security-token=c2lnbmVk'],
    ['S3', 'https://b.s3.amazonaws.com/k.jar?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=c2lnbmVk'],
  ])('refuses a %s jar_url and a dependency, saying why, without showing it', (_kind, url) => {
    const content = `connector_name: a\nconnector_type: a\njar_url: "${url}"\ndependencies:\n  - "${url}"\n`;
    const { errors, connectors } = loadDefinitions([{ path: 'c.yaml', content }], INPUT_DEFAULTS);
    expect(connectors).toEqual([]);
    expect(errors.map((e) => [e.location.line, e.message.slice(0, 60)])).toEqual([
      [3, '`jar_url` is a pre-signed URL (its query carries a signature'],
      [5, 'item 1 of `dependencies` is a pre-signed URL (its query carr'],
    ]);
    expect(errors[0]?.message).toContain('with its own role');
    for (const e of errors) expect(e.message).not.toContain('c2lnbmVk');
  });

  it('accepts a query without a signature', () => {
    const content = 'connector_name: a\nconnector_type: a\njar_url: "https://repo.example.com/k.jar?version=1"\n';
    expect(loadDefinitions([{ path: 'c.yaml', content }], INPUT_DEFAULTS).errors).toEqual([]);
  });
});

describe('loadDefinitions: tokens in URLs', () => {
  it.each([
    ['a GitHub token', 'https://raw.example.com/k.jar?token=ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 'ghp_ABCDEF'],
    ['an access_token', 'https://gitlab.example.com/k.jar?access_token=s3cr3t-v4lue', 's3cr3t-v4lue'],
    ['a private_token', 'https://gitlab.example.com/k.jar?private_token=s3cr3t-v4lue', 's3cr3t-v4lue'],
    ['an access_token in the fragment', 'https://host.example.com/k.jar#access_token=s3cr3t-v4lue', 's3cr3t-v4lue'],
    ['a GCS V4 signature', 'https://storage.googleapis.com/b/k.jar?X-Goog-Credential=sa%40p&X-Goog-Signature=5ec12e7', '5ec12e7'],
  ])('refuses %s in jar_url and dependencies, without showing it', (_kind, url, secret) => {
    const content = `connector_name: a\nconnector_type: a\njar_url: "${url}"\ndependencies:\n  - "${url}"\n`;
    const { errors, connectors } = loadDefinitions([{ path: 'c.yaml', content }], INPUT_DEFAULTS);
    expect(connectors).toEqual([]);
    expect(errors.map((e) => e.location.line)).toEqual([3, 5]);
    expect(errors[0]?.message).toMatch(/^`jar_url` (carries a credential|is a pre-signed URL)/);
    expect(errors[1]?.message).toMatch(/^item 1 of `dependencies` (carries a credential|is a pre-signed URL)/);
    for (const e of errors) expect(e.message).not.toContain(secret);
  });
});

describe('loadDefinitions: dependencies are URLs as jar_url is', () => {
  it.each([
    ['s3://bucket/add.jar', 'scheme `s3`'],
    ['hdfs://nn/add.jar', 'scheme `hdfs`'],
    ['add.jar', 'no scheme'],
  ])('refuses %s', (dep, found) => {
    const content = `connector_name: a\nconnector_type: a\njar_url: oss://b/a.jar\ndependencies:\n  - oss://b/ok.jar\n  - ${dep}\n`;
    const { errors, connectors } = loadDefinitions([{ path: 'c.yaml', content }], INPUT_DEFAULTS);
    expect(connectors).toEqual([]);
    expect(errors).toEqual([
      { message: `item 2 of \`dependencies\` must be an \`oss://\`, \`https://\` or \`http://\` URL, found ${found}`, location: { file: 'c.yaml', line: 6, column: 5 } },
    ]);
  });
});

describe('loadDefinitions: every problem at once', () => {
  it('reports a duplicate in the same run as the bad jar_url of the first declaration, on the later one', () => {
    const first = 'connector_name: kafka\nconnector_type: kafka\njar_url: s3://b/k.jar\n';
    const second = 'connector_name: kafka\nconnector_type: kafka-2\njar_url: oss://b/k2.jar\n';
    const { errors, connectors } = loadDefinitions([{ path: 'a.yaml', content: first }, { path: 'b.yaml', content: second }], INPUT_DEFAULTS);
    expect(connectors).toEqual([]);
    expect(errors.map((e) => `${e.location.file}:${e.location.line}`)).toEqual(['a.yaml:3', 'b.yaml:1']);
    expect(errors[0]?.message).toContain('`jar_url` must be an `oss://`');
    expect(errors[1]?.message).toContain('connector `kafka` is declared twice');
    expect(errors[1]?.message).toContain('first at a.yaml:1');
  });

  it('reports both when the later declaration has the bad jar_url', () => {
    const first = 'connector_name: kafka\nconnector_type: kafka\njar_url: oss://b/k.jar\n';
    const second = 'connector_name: kafka\nconnector_type: kafka-2\njar_url: "https://h.example.com/k.jar?token=abc"\n';
    const { errors } = loadDefinitions([{ path: 'a.yaml', content: first }, { path: 'b.yaml', content: second }], INPUT_DEFAULTS);
    expect(errors.map((e) => `${e.location.file}:${e.location.line}`)).toEqual(['b.yaml:1', 'b.yaml:3']);
    expect(errors[0]?.message).toContain('first at a.yaml:1');
  });
});

describe('loadDefinitions: bounded messages', () => {
  it('quotes at most 64 characters of an unknown key, on one line, and suggests nothing for a long one', () => {
    const key = `conector_type${'x'.repeat(5000)}\u2028::error::x`;
    const content = `connector_name: a\nconnector_type: a\njar_url: oss://b/a.jar\n${JSON.stringify(key)}: 1\n`;
    const { errors } = loadDefinitions([{ path: 'c.yaml', content }], INPUT_DEFAULTS);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message.length).toBeLessThan(400);
    expect(errors[0]?.message).toMatch(/^unknown key `conector_typex+…` \(5024 characters\); allowed keys: /);
  });

  it('reports at most MAX_ERRORS_PER_FILE errors of one file, then how many more there are', () => {
    const content = Array.from({ length: 80 }, (_, i) => `bad_key_${i}: 1`).join('\n') + '\nconnector_name: a\nconnector_type: a\njar_url: oss://b/a.jar\n';
    const { errors } = loadDefinitions([{ path: 'c.yaml', content }, { path: 'd.yaml', content: 'connector_name: b\nconnector_type: b\njar_url: oss://b/b.jar\nx: 1\n' }], INPUT_DEFAULTS);
    const inC = errors.filter((e) => e.location.file === 'c.yaml');
    expect(inC).toHaveLength(MAX_ERRORS_PER_FILE + 1);
    expect(inC[MAX_ERRORS_PER_FILE]?.message).toBe(`${80 - MAX_ERRORS_PER_FILE} more problem(s) in this file are not shown (only the first ${MAX_ERRORS_PER_FILE} are); fix these and run again`);
    expect(errors.filter((e) => e.location.file === 'd.yaml')).toHaveLength(1);
  });
});
