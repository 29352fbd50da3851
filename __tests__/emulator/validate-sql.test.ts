import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmulatorHandle } from '../../src/emulator/server.js';
import { validateStatement, withClauses } from '../../src/emulator/validate-sql.js';
import { CloudError } from '../../src/ververica/errors.js';
import { interpretValidation } from '../../src/ververica/sql-validation.js';
import { aLiveConnector } from '../support/connectors.js';
import { clientFor, startCatalogEmulator } from '../support/cloud.js';

const orders = aLiveConnector({
  name: 'kafka-orders',
  type: 'kafka-orders',
  supportedFormats: ['json', 'avro'],
  properties: [
    { key: 'topic', required: true },
    { key: 'properties.bootstrap.servers', required: true },
    { key: 'format', defaultValue: 'json' },
  ],
});

const table = (options: string): string => `CREATE TEMPORARY TABLE o (id INT)\nWITH (\n  'connector' = 'kafka-orders',\n${options}\n);\nINSERT INTO x SELECT * FROM o;`;

describe('Flink factory validation (pure)', () => {
  it('finds each option with its line and column', () => {
    const [clause] = withClauses(table("  'topic' = 'a',\n  'properties.bootstrap.servers' = 'b:9092'"));
    expect(clause?.options.map((o) => [o.key, o.line, o.column])).toEqual([
      ['connector', 3, 3],
      ['topic', 4, 3],
      ['properties.bootstrap.servers', 5, 3],
    ]);
  });

  it('accepts required options, the format and options of a supported format', () => {
    expect(validateStatement(table("  'topic' = 'a', 'properties.bootstrap.servers' = 'b', 'format' = 'avro', 'avro.codec' = 'snappy'"), [orders])).toBeUndefined();
  });

  it('refuses an unknown type, naming the registered and built-in ones', () => {
    expect(validateStatement(table("  'topic' = 'a'"), [])?.message).toMatch(/Could not find any factory for identifier 'kafka-orders'.*datagen/);
    expect(validateStatement("CREATE TABLE p (a INT) WITH ('connector' = 'print', 'anything' = '1')", [])).toBeUndefined();
  });

  it('refuses a missing required option, an unknown option and an unsupported format at their place', () => {
    const missing = validateStatement(table("  'topic' = 'a'"), [orders]);
    expect(missing).toMatchObject({ line: 3, column: 3 });
    expect(missing?.message).toContain('properties.bootstrap.servers');
    const unknown = validateStatement(table("  'topic' = 'a',\n  'properties.bootstrap.servers' = 'b',\n  'topics' = 'c'"), [orders]);
    expect(unknown).toMatchObject({ line: 6, column: 3 });
    expect(unknown?.message).toMatch(/Unsupported options found for 'kafka-orders'[\s\S]*topics/);
    const format = validateStatement(table("  'topic' = 'a', 'properties.bootstrap.servers' = 'b',\n  'format' = 'csv'"), [orders]);
    expect(format).toMatchObject({ line: 5, column: 3 });
    expect(format?.message).toContain("'csv'");
  });

  it('reads the service’s answers: invalid, valid, and anything else unknown', () => {
    expect(interpretValidation({ validationResult: 'VALIDATION_RESULT_INVALID', errorDetails: { lineNumber: '5', columnNumber: '3', message: 'bad' } })).toEqual({ verdict: 'invalid', message: 'bad', line: 5, column: 3 });
    expect(interpretValidation({ validationResult: 'SOMETHING', errorDetails: { message: 'x' } }).verdict).toBe('invalid');
    expect(interpretValidation({ validationResult: 'VALIDATION_RESULT_VALID' }).verdict).toBe('valid');
    expect(interpretValidation({ validationResult: 'PENDING' })).toMatchObject({ verdict: 'unknown', message: expect.stringContaining('PENDING') });
    expect(interpretValidation(undefined).verdict).toBe('unknown');
  });
});

describe('ValidateSqlStatement through the real client', () => {
  let emulator: EmulatorHandle;
  beforeAll(async () => {
    emulator = await startCatalogEmulator();
  });
  afterAll(() => emulator.close());
  const target = { workspaceId: 'ws-v', namespace: 'ns-v' };
  const sql = table("  'topic' = 'a',\n  'properties.bootstrap.servers' = 'b'");

  it('validates against what is registered in the namespace now', async () => {
    const api = clientFor(emulator, { maxRetries: 0 });
    const context = { statement: sql, batchMode: false, versionName: 'vvr-8.0.9-flink-1.17' };
    expect(await api.validateSql(target, context)).toMatchObject({ verdict: 'invalid', line: 3, column: 3 });
    await api.register(target, 'oss://flink-artifacts/connectors/kafka-orders-1.0.0.jar', ['kafka-orders']);
    expect(await api.validateSql(target, context)).toEqual({ verdict: 'valid' });
    await api.delete(target, 'kafka-orders');
    await api.register(target, 'oss://flink-artifacts/connectors/kafka-orders-3.0.0.jar', ['kafka-orders']);
    const after = await api.validateSql(target, context);
    expect(after).toMatchObject({ verdict: 'invalid', line: 3, column: 3 });
    expect(after.message).toContain('topics');
  });

  it('goes through the same fault injection, retries and classification', async () => {
    const api = clientFor(emulator, { maxRetries: 2 });
    emulator.injectFault({ action: 'ValidateSqlStatement', kind: 'http', status: 503, code: 'ServiceUnavailable', times: 2 });
    expect((await api.validateSql(target, { statement: 'SELECT 1', batchMode: true })).verdict).toBe('valid');
    emulator.injectFault({ action: 'ValidateSqlStatement', kind: 'http', status: 403, code: 'Forbidden.RAM', message: 'not authorized for stream:ValidateSqlStatement' });
    const refused = await api.validateSql(target, { statement: 'SELECT 1', batchMode: true }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CloudError);
    expect((refused as CloudError).statusCode).toBe(403);
  });
});
