import { request as httpRequest } from 'node:http';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LiveConnector, TableMeta } from '../../src/model.js';
import { loadCatalogFile } from '../../src/emulator/catalog.js';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import { RuntimeClient, pathFor, type Envelope } from './runtime-client.js';
// Loading the client keeps bodies that are not JSON as text (see sdk.ts), so the page can be read.
import { RAW_BODY } from '../../src/ververica/errors.js';
import '../../src/ververica/sdk.js';

const CATALOG_PATH = fileURLToPath(new URL('../../__fixtures__/catalog/catalog.yaml', import.meta.url));
const KEY = { accessKeyId: 'LTAI5tTestKeyId000001', accessKeySecret: 'test-secret-7f3a9c' };
const STS = { accessKeyId: 'STS.NTestTemporaryKey01', accessKeySecret: 'sts-secret-42b1', securityToken: 'sts-token-CAIS-abc123' };
const NS = 'default';
const KAFKA_V1 = 'oss://flink-artifacts/connectors/kafka-orders-1.0.0.jar';
const KAFKA_V2 = 'oss://flink-artifacts/connectors/kafka-orders-2.0.0.jar';
const CLICKHOUSE = 'oss://flink-artifacts/connectors/clickhouse-bundle-1.0.0.jar';
const MYSQL_CDC = 'oss://flink-artifacts/connectors/mysql-cdc-2.4.2.jar';
const EMPTY_JAR = 'oss://flink-artifacts/connectors/commons-utils-1.0.0.jar';
const KAFKA_TABLES: TableMeta[] = [{ catalogName: 'vvp', databaseName: 'default', tableName: 'orders_source' }];

let emulator: EmulatorHandle;
let client: RuntimeClient;
let workspaceCounter = 0;
/** A fresh workspace per test keeps tests independent on one emulator. */
let workspace: string;
/** When set, the emulator's clock stands still at this time (ms) until the test moves it. */
let clockAt: number | undefined;

beforeAll(async () => {
  const { catalog } = await loadCatalogFile(CATALOG_PATH);
  emulator = await startEmulator({
    accessKeys: { [KEY.accessKeyId]: KEY.accessKeySecret, [STS.accessKeyId]: STS.accessKeySecret },
    securityTokens: { [STS.accessKeyId]: STS.securityToken },
    catalog,
    tables: { 'kafka-orders': KAFKA_TABLES },
    now: () => clockAt ?? Date.now(),
  });
  client = new RuntimeClient(emulator.endpoint, KEY);
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => {
  workspaceCounter += 1;
  workspace = `ws-${workspaceCounter}`;
  emulator.resetStats();
});

afterEach(() => {
  emulator.clearFaults();
  emulator.setVisibilityDelay(0);
  emulator.setLatency(0);
  clockAt = undefined;
});

const list = (namespace = NS) => client.call<LiveConnector[]>('ListCustomConnectors', { namespace, workspace });
const register = (jarUrl: string, namespace = NS) => client.call<LiveConnector[]>('RegisterCustomConnector', { namespace, workspace, jarUrl });
const remove = (connectorName: string, namespace = NS) => client.call<TableMeta[]>('DeleteCustomConnector', { namespace, workspace, connectorName });

function expectSuccess<T>(body: Envelope<T>): T {
  expect(body).toMatchObject({ success: true, httpCode: 200, errorCode: '', errorMessage: '' });
  expect(body.requestId).toMatch(/^[0-9A-F-]{36}$/);
  return body.data as T;
}

describe('connector operations through the real runtime', () => {
  it('registers, lists and deletes a connector', async () => {
    expect(expectSuccess((await list()).body)).toEqual([]);

    const registered = expectSuccess((await register(KAFKA_V1)).body);
    expect(registered).toHaveLength(1);
    expect(registered[0]).toMatchObject({
      name: 'kafka-orders',
      type: 'kafka-orders',
      source: true,
      sink: true,
      lookup: false,
      supportedFormats: ['json', 'avro'],
      dependencies: [],
    });
    expect(registered[0]?.properties[0]).toEqual({
      key: 'properties.bootstrap.servers',
      defaultValue: '',
      description: 'Kafka brokers, host:port separated by commas',
      required: true,
      definesFormat: false,
      sensitive: false,
    });

    const listed = expectSuccess((await list()).body);
    expect(listed).toEqual(registered);
    // Namespaces are separate: the same workspace's other namespace is empty.
    expect(expectSuccess((await list('other')).body)).toEqual([]);

    const deleted = await remove('kafka-orders');
    expect(deleted.statusCode).toBe(200);
    expect(expectSuccess(deleted.body)).toEqual(KAFKA_TABLES);
    expect(expectSuccess((await list()).body)).toEqual([]);
  });

  it('fills the audit fields from the key without revealing it or its secret', async () => {
    const [connector] = expectSuccess((await register(MYSQL_CDC)).body);
    expect(connector?.creator).toMatch(/^1\d{6}\*{7}$/);
    expect(connector?.creatorName).toMatch(/^ram-user-[0-9a-f]{6}$/);
    expect(connector?.modifier).toBe(connector?.creator);
    const text = JSON.stringify(connector);
    expect(text).not.toContain(KEY.accessKeySecret);
    expect(text).not.toContain(KEY.accessKeyId);
    expect(connector?.dependencies).toEqual(['oss://flink-artifacts/deps/mysql-driver-8.0.33.jar']);
    expect(connector).toMatchObject({ source: true, sink: false, lookup: true });
  });

  it('registers every connector a JAR declares', async () => {
    const registered = expectSuccess((await register(CLICKHOUSE)).body);
    expect(registered.map((connector) => connector.type)).toEqual(['clickhouse-source', 'clickhouse-sink']);
    expect(emulator.connectors(workspace, NS).map((connector) => connector.name)).toEqual(['clickhouse-source', 'clickhouse-sink']);
  });

  it('returns no tables when none are built on the deleted connector', async () => {
    expectSuccess((await register(MYSQL_CDC)).body);
    expect(expectSuccess((await remove('mysql-cdc')).body)).toEqual([]);
  });

  it('answers 404 ConnectorNotFound for a connector that does not exist', async () => {
    const error = await client.callExpectingError('DeleteCustomConnector', { namespace: NS, workspace, connectorName: 'ghost' });
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe('ConnectorNotFound');
    expect(error.message).toContain('ghost');
  });

  it('refuses a second registration of a type until the first is deleted', async () => {
    expectSuccess((await register(KAFKA_V1)).body);
    const refused = await register(KAFKA_V2);
    expect(refused.statusCode).toBe(200);
    expect(refused.body).toMatchObject({ success: false, httpCode: 200, errorCode: 'ConnectorTypeAlreadyExists' });
    expect(refused.body.errorMessage).toContain("'kafka-orders'");
    // The refusal changed nothing.
    expect(expectSuccess((await list()).body)[0]?.supportedFormats).toEqual(['json', 'avro']);

    expectSuccess((await remove('kafka-orders')).body);
    expectSuccess((await register(KAFKA_V2)).body);
    expect(expectSuccess((await list()).body)[0]?.supportedFormats).toEqual(['json', 'avro', 'csv']);
  });

  it('refuses an unknown JAR and a JAR without connectors with success: false', async () => {
    const unknownUrl = 'oss://flink-artifacts/connectors/does-not-exist-9.9.9.jar';
    const unknown = await register(unknownUrl);
    expect(unknown.statusCode).toBe(200);
    expect(unknown.body).toMatchObject({ success: false, errorCode: 'JarNotFound' });
    expect(unknown.body.errorMessage).toContain(unknownUrl);

    const empty = await register(EMPTY_JAR);
    expect(empty.body).toMatchObject({ success: false, errorCode: 'NoConnectorFound' });
    expect(emulator.connectors(workspace, NS)).toEqual([]);
  });

  it('requires the jarUrl query parameter on register', async () => {
    const error = await client.callExpectingError('RegisterCustomConnector', { namespace: NS, workspace });
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('MissingJarUrl');
  });

  it('requires the workspace header', async () => {
    const error = await client.callExpectingError('ListCustomConnectors', { namespace: NS });
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('MissingWorkspace');
  });

  it('decodes percent-encoded namespaces and connector names, and accepts a literal colon', async () => {
    const namespace = 'team a/b';
    const registered = await client.call<LiveConnector[]>('RegisterCustomConnector', {
      namespace,
      workspace,
      jarUrl: KAFKA_V1,
      pathname: `/api/v2/namespaces/${encodeURIComponent(namespace)}/connectors:register`,
    });
    expectSuccess(registered.body);
    expect(emulator.connectors(workspace, namespace).map((connector) => connector.name)).toEqual(['kafka-orders']);
    expect(expectSuccess((await remove('kafka-orders', namespace)).body)).toEqual(KAFKA_TABLES);
  });

  it('verifies signatures over unusual characters in the query and the path', async () => {
    const oddUrl = "oss://bucket/dir with space/a+b(1)*!'~ü&x=y.jar";
    const unknown = await register(oddUrl);
    expect(unknown.body).toMatchObject({ success: false, errorCode: 'JarNotFound' });
    expect(unknown.body.errorMessage).toContain(oddUrl);

    // No apostrophe: Node escapes it on the wire after the runtime signed it raw.
    const oddName = 'conn*(x)!~+ü';
    const error = await client.callExpectingError('DeleteCustomConnector', { namespace: 'ns*~', workspace, connectorName: oddName });
    expect([error.statusCode, error.code]).toEqual([404, 'ConnectorNotFound']);
    expect(error.message).toContain(oddName);
  });

  it('hides a fresh registration from list results until the visibility delay passes', async () => {
    // The emulator's clock moves only when the test says, so a slow machine cannot reveal it early.
    clockAt = 1_000_000;
    emulator.setVisibilityDelay(400);
    const registered = expectSuccess((await register(KAFKA_V1)).body);
    expect(registered.map((connector) => connector.name)).toEqual(['kafka-orders']);
    expect(expectSuccess((await list()).body)).toEqual([]);
    expect(emulator.connectors(workspace, NS).map((connector) => connector.name)).toEqual(['kafka-orders']);
    // Invisible, but it exists: the type is taken.
    expect((await register(KAFKA_V2)).body.errorCode).toBe('ConnectorTypeAlreadyExists');

    clockAt += 399;
    expect(expectSuccess((await list()).body)).toEqual([]);
    clockAt += 1;
    expect(expectSuccess((await list()).body).map((connector) => connector.name)).toEqual(['kafka-orders']);
  });

  it('shows seeded connectors at once', async () => {
    emulator.setVisibilityDelay(10_000);
    emulator.seed(workspace, NS, [
      { name: 'legacy-jdbc', type: 'legacy-jdbc', source: true, sink: true, lookup: false, properties: [{ key: 'url' }], supportedFormats: [], dependencies: [] },
    ]);
    const listed = expectSuccess((await list()).body);
    expect(listed.map((connector) => connector.name)).toEqual(['legacy-jdbc']);
    expect(listed[0]?.properties[0]).toEqual({ key: 'url', defaultValue: '', description: '', required: false, definesFormat: false, sensitive: false });
  });

  it('adds the configured latency to API calls', async () => {
    emulator.setLatency(150);
    const started = Date.now();
    await list();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('authentication', () => {
  it('rejects a wrong secret with 403 SignatureDoesNotMatch and never echoes it', async () => {
    const wrong = new RuntimeClient(emulator.endpoint, { accessKeyId: KEY.accessKeyId, accessKeySecret: 'not-the-secret' });
    const error = await wrong.callExpectingError('ListCustomConnectors', { namespace: NS, workspace });
    expect(error.statusCode).toBe(403);
    expect(error.code).toBe('SignatureDoesNotMatch');
    const everything = `${error.message} ${JSON.stringify(error.data)}`;
    expect(everything).not.toContain('not-the-secret');
    expect(everything).not.toContain(KEY.accessKeySecret);
    expect(error.data).toMatchObject({ Code: 'SignatureDoesNotMatch', HostId: emulator.endpoint });
  });

  it('rejects an unknown AccessKeyId with 404 InvalidAccessKeyId.NotFound', async () => {
    const stranger = new RuntimeClient(emulator.endpoint, { accessKeyId: 'LTAI5tUnknown', accessKeySecret: KEY.accessKeySecret });
    const error = await stranger.callExpectingError('ListCustomConnectors', { namespace: NS, workspace });
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe('InvalidAccessKeyId.NotFound');
  });

  it('accepts an STS key only with its security token', async () => {
    const sts = new RuntimeClient(emulator.endpoint, STS);
    expectSuccess((await sts.call('ListCustomConnectors', { namespace: NS, workspace })).body);

    const missing = new RuntimeClient(emulator.endpoint, { accessKeyId: STS.accessKeyId, accessKeySecret: STS.accessKeySecret });
    const noToken = await missing.callExpectingError('ListCustomConnectors', { namespace: NS, workspace });
    expect([noToken.statusCode, noToken.code]).toEqual([403, 'InvalidSecurityToken']);

    const forged = new RuntimeClient(emulator.endpoint, { ...STS, securityToken: 'forged-token' });
    const badToken = await forged.callExpectingError('ListCustomConnectors', { namespace: NS, workspace });
    expect([badToken.statusCode, badToken.code]).toEqual([403, 'InvalidSecurityToken']);
    expect(badToken.message).not.toContain(STS.securityToken);
  });

  describe('replayed raw requests', () => {
    let recorder: Server;
    let recorded: { method: string; url: string; headers: IncomingHttpHeaders } | undefined;

    beforeAll(async () => {
      // Stands in for the service once, to capture exactly what the runtime sends.
      recorder = createServer((req, res) => {
        recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ requestId: 'R', success: true, httpCode: 200, errorCode: '', errorMessage: '', data: [] }));
      });
      await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
    });

    afterAll(async () => {
      await new Promise((resolve) => recorder.close(resolve));
    });

    async function captureRegister(jarUrl: string): Promise<NonNullable<typeof recorded>> {
      const port = (recorder.address() as AddressInfo).port;
      await new RuntimeClient(`127.0.0.1:${port}`, KEY).call('RegisterCustomConnector', { namespace: NS, workspace, jarUrl });
      if (recorded === undefined) throw new Error('nothing recorded');
      return recorded;
    }

    /** Sends the captured request again with node:http, optionally altered. */
    function replay(method: string, url: string, headers: IncomingHttpHeaders, body = ''): Promise<{ status: number; body: Record<string, unknown> }> {
      const { port } = new URL(emulator.url);
      const sent = { ...headers, 'content-length': String(Buffer.byteLength(body)) };
      return new Promise((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: Number(port), method, path: url, headers: sent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            try {
              resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          });
        });
        req.on('error', reject);
        req.end(body);
      });
    }

    it('accepts the captured request replayed unchanged', async () => {
      const captured = await captureRegister(KAFKA_V1);
      expect(captured.url).toContain('/connectors%3Aregister?jarUrl=');
      const { status, body } = await replay(captured.method, captured.url, captured.headers);
      expect(status).toBe(200);
      expect(body.success).toBe(true);
    });

    it('rejects the request when the signed jarUrl is swapped after signing', async () => {
      const captured = await captureRegister(KAFKA_V1);
      const tampered = captured.url.replace(encodeURIComponent(KAFKA_V1), encodeURIComponent(KAFKA_V2));
      expect(tampered).not.toBe(captured.url);
      const { status, body } = await replay(captured.method, tampered, captured.headers);
      expect(status).toBe(403);
      expect(body.Code).toBe('SignatureDoesNotMatch');
      expect(emulator.connectors(workspace, NS)).toEqual([]);
    });

    it('rejects the request when the path is changed after signing', async () => {
      const captured = await captureRegister(KAFKA_V1);
      const { status, body } = await replay(captured.method, captured.url.replace('/namespaces/default/', '/namespaces/prod/'), captured.headers);
      expect([status, body.Code]).toEqual([403, 'SignatureDoesNotMatch']);
    });

    it('rejects an x-acs-* header left out of the signature, and a changed signed header', async () => {
      const captured = await captureRegister(KAFKA_V1);
      const extra = await replay(captured.method, captured.url, { ...captured.headers, 'x-acs-extra': '1' });
      expect([extra.status, extra.body.Code]).toEqual([403, 'SignatureDoesNotMatch']);
      expect(String(extra.body.Message)).toContain('x-acs-extra');
      const changed = await replay(captured.method, captured.url, { ...captured.headers, 'x-acs-date': '2020-01-01T00:00:00Z' });
      expect([changed.status, changed.body.Code]).toEqual([403, 'SignatureDoesNotMatch']);
      expect(JSON.stringify(changed.body)).not.toContain(String(captured.headers.authorization).split('Signature=')[1]);
    });

    it('rejects a body the content hash does not cover', async () => {
      const captured = await captureRegister(KAFKA_V1);
      const result = await replay('POST', captured.url, captured.headers, '{"smuggled":true}');
      expect([result.status, result.body.Code]).toEqual([403, 'SignatureDoesNotMatch']);
    });
  });
});

describe('faults', () => {
  it('answers an injected HTTP 503 once, then serves normally', async () => {
    emulator.injectFault({ kind: 'http', status: 503, code: 'ServiceUnavailable' });
    const error = await client.callExpectingError('ListCustomConnectors', { namespace: NS, workspace });
    expect([error.statusCode, error.code]).toEqual([503, 'ServiceUnavailable']);
    expectSuccess((await list()).body);
  });

  it('sends throttling with x-acs-retry-after in milliseconds', async () => {
    emulator.injectFault({ kind: 'http', status: 429, code: 'Throttling.User', message: 'Request was denied due to user flow control.', retryAfterSeconds: 2 });
    const error = await client.callExpectingError('RegisterCustomConnector', { namespace: NS, workspace, jarUrl: KAFKA_V1 });
    expect([error.statusCode, error.code, error.retryAfter]).toEqual([429, 'Throttling.User', 2000]);
    expect(error.name).toBe('ThrottlingError');
    // The throttled call never reached the service.
    expect(emulator.connectors(workspace, NS)).toEqual([]);
  });

  it('answers an injected business failure with HTTP 200 success: false', async () => {
    emulator.injectFault({ kind: 'business', errorCode: 'JarParseFailed', errorMessage: 'could not open the JAR' });
    const { statusCode, body } = await register(KAFKA_V1);
    expect(statusCode).toBe(200);
    expect(body).toMatchObject({ success: false, errorCode: 'JarParseFailed', errorMessage: 'could not open the JAR' });
    expect(emulator.connectors(workspace, NS)).toEqual([]);
  });

  it('resets the connection without doing anything', async () => {
    emulator.injectFault({ kind: 'reset', action: 'RegisterCustomConnector' });
    const error = await client.callExpectingError('RegisterCustomConnector', { namespace: NS, workspace, jarUrl: KAFKA_V1 });
    expect(error.statusCode).toBeUndefined();
    expect(emulator.connectors(workspace, NS)).toEqual([]);
  });

  it('performs the mutation but loses the response', async () => {
    emulator.injectFault({ kind: 'lost-response', action: 'RegisterCustomConnector' });
    const error = await client.callExpectingError('RegisterCustomConnector', { namespace: NS, workspace, jarUrl: KAFKA_V1 });
    expect(error.statusCode).toBeUndefined();
    expect(emulator.connectors(workspace, NS).map((connector) => connector.name)).toEqual(['kafka-orders']);
  });

  it('responds late, after the mutation, and times the client out when asked', async () => {
    emulator.injectFault({ kind: 'slow', delayMs: 300 });
    const started = Date.now();
    expectSuccess((await list()).body);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    emulator.injectFault({ kind: 'slow', delayMs: 1_000, action: 'RegisterCustomConnector' });
    await client.callExpectingError('RegisterCustomConnector', { namespace: NS, workspace, jarUrl: KAFKA_V1, readTimeoutMs: 200 });
    expect(emulator.connectors(workspace, NS).map((connector) => connector.name)).toEqual(['kafka-orders']);
  });

  it('answers with the body shape asked for: an HTML page, nothing, or the envelope on an error status', async () => {
    emulator.injectFault({ kind: 'http', status: 502, code: 'BadGateway', body: 'html', action: 'ListCustomConnectors' });
    const page = await client.callExpectingError('ListCustomConnectors', { namespace: NS, workspace });
    expect(page.statusCode).toBe(502);
    expect(String(page.data?.[RAW_BODY])).toMatch(/^<html>\r\n<head><title>502 Bad Gateway<\/title>/);

    emulator.injectFault({ kind: 'http', status: 503, code: 'ServiceUnavailable', body: 'empty', action: 'ListCustomConnectors' });
    const empty = await client.callExpectingError('ListCustomConnectors', { namespace: NS, workspace });
    expect([empty.statusCode, empty.data?.[RAW_BODY]]).toEqual([503, '']);

    emulator.injectFault({ kind: 'http', status: 400, code: 'ConnectorJarInvalid', message: 'bad jar', body: 'envelope', action: 'RegisterCustomConnector' });
    const envelope = await client.callExpectingError('RegisterCustomConnector', { namespace: NS, workspace, jarUrl: KAFKA_V1 });
    expect(envelope.statusCode).toBe(400);
    expect(envelope.data).toMatchObject({ success: false, httpCode: 400, errorCode: 'ConnectorJarInvalid', errorMessage: 'bad jar' });
    expect(emulator.connectors(workspace, NS)).toEqual([]);
  });

  it('carries the call out before answering with an error, when asked', async () => {
    emulator.injectFault({ kind: 'http', status: 500, code: 'InternalError', afterServing: true, action: 'RegisterCustomConnector' });
    const error = await client.callExpectingError('RegisterCustomConnector', { namespace: NS, workspace, jarUrl: KAFKA_V1 });
    expect(error.statusCode).toBe(500);
    expect(emulator.connectors(workspace, NS).map((connector) => connector.name)).toEqual(['kafka-orders']);
  });

  it('answers late without acting, with a gateway page, when asked', async () => {
    emulator.injectFault({ kind: 'slow', delayMs: 50, acts: false, action: 'RegisterCustomConnector' });
    const error = await client.callExpectingError('RegisterCustomConnector', { namespace: NS, workspace, jarUrl: KAFKA_V1 });
    expect(error.statusCode).toBe(504);
    expect(emulator.connectors(workspace, NS)).toEqual([]);
  });

  it('matches rules by action and namespace, in order, for the given number of times', async () => {
    emulator.injectFault({ kind: 'http', status: 500, code: 'InternalError', action: 'ListCustomConnectors', namespace: 'prod', times: 2 });
    emulator.injectFault({ kind: 'http', status: 503, code: 'ServiceUnavailable', action: 'ListCustomConnectors' });

    // Other action and other namespace: the first rule does not apply.
    expectSuccess((await register(KAFKA_V1, 'prod')).body);
    const first = await client.callExpectingError('ListCustomConnectors', { namespace: NS, workspace });
    expect(first.code).toBe('ServiceUnavailable');
    expectSuccess((await list()).body);

    for (let i = 0; i < 2; i += 1) {
      expect((await client.callExpectingError('ListCustomConnectors', { namespace: 'prod', workspace })).code).toBe('InternalError');
    }
    expectSuccess((await list('prod')).body);
  });

  it('keeps an Infinity rule until cleared', async () => {
    emulator.injectFault({ kind: 'http', status: 503, code: 'ServiceUnavailable', times: Infinity });
    for (let i = 0; i < 4; i += 1) {
      expect((await client.callExpectingError('ListCustomConnectors', { namespace: NS, workspace })).statusCode).toBe(503);
    }
    emulator.clearFaults();
    expectSuccess((await list()).body);
  });

  it('refuses a malformed rule', () => {
    expect(() => emulator.injectFault({ kind: 'http', status: 200, code: 'Nope' })).toThrow(/status/);
    expect(() => emulator.injectFault({ kind: 'slow', delayMs: -1 })).toThrow(/delayMs/);
    expect(() => emulator.injectFault({ kind: 'http', status: 502, code: 'X', body: 'xml' as 'html' })).toThrow(/body/);
  });
});

describe('stats', () => {
  it('counts every API call by action, failed and faulted ones included', async () => {
    emulator.injectFault({ kind: 'reset', action: 'ListCustomConnectors' });
    await client.callExpectingError('ListCustomConnectors', { namespace: NS, workspace });
    await list();
    await register(KAFKA_V1);
    await register('oss://nowhere/x.jar');
    await client.callExpectingError('DeleteCustomConnector', { namespace: NS, workspace, connectorName: 'ghost' });
    const wrong = new RuntimeClient(emulator.endpoint, { accessKeyId: KEY.accessKeyId, accessKeySecret: 'wrong' });
    await wrong.callExpectingError('DeleteCustomConnector', { namespace: NS, workspace, connectorName: 'kafka-orders' });

    expect(emulator.stats()).toEqual({
      calls: { ListCustomConnectors: 2, RegisterCustomConnector: 2, DeleteCustomConnector: 2 },
      total: 6,
    });
    emulator.resetStats();
    expect(emulator.stats()).toEqual({ calls: {}, total: 0 });
  });
});

describe('routing and control endpoints', () => {
  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${emulator.url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('answers 404 NotFound JSON for anything that is not an API route', async () => {
    for (const [method, path] of [
      ['GET', '/api/v2/namespaces/default/jobs'],
      ['PUT', pathFor('ListCustomConnectors', NS)],
      ['GET', '/'],
    ] as const) {
      const { status, body } = await control(method, path);
      expect(status).toBe(404);
      expect(body.Code).toBe('NotFound');
      expect(typeof body.RequestId).toBe('string');
    }
    expect(emulator.stats().calls.Unknown).toBe(3);
  });

  it('reports and resets stats without counting itself', async () => {
    await list();
    expect((await control('GET', '/__emulator/stats')).body).toEqual({ calls: { ListCustomConnectors: 1 }, total: 1 });
    expect((await control('POST', '/__emulator/stats/reset')).body).toEqual({ calls: {}, total: 0 });
    expect(emulator.stats().total).toBe(0);
  });

  it('seeds connectors and dumps the state', async () => {
    const seeded = await control('POST', '/__emulator/seed', {
      workspaceId: workspace,
      namespace: NS,
      connectors: [{ name: 'old-kafka', type: 'kafka-orders', source: true, supportedFormats: ['json'] }],
    });
    expect(seeded).toEqual({ status: 200, body: { seeded: 1 } });
    expect(expectSuccess((await list()).body).map((connector) => connector.name)).toEqual(['old-kafka']);
    // The seeded connector holds its type.
    expect((await register(KAFKA_V1)).body.errorCode).toBe('ConnectorTypeAlreadyExists');

    emulator.setVisibilityDelay(10_000);
    expectSuccess((await register(MYSQL_CDC)).body);
    const state = await control('GET', '/__emulator/state');
    const mine = (state.body.targets as { workspaceId: string; namespace: string; connectors: LiveConnector[]; hidden: string[] }[]).find(
      (target) => target.workspaceId === workspace,
    );
    expect(mine?.connectors.map((connector) => connector.name)).toEqual(['old-kafka', 'mysql-cdc']);
    expect(mine?.hidden).toEqual(['mysql-cdc']);

    const invalid = await control('POST', '/__emulator/seed', { workspaceId: workspace, namespace: NS, connectors: [{ name: 'no-type' }] });
    expect(invalid.status).toBe(400);
    expect(String(invalid.body.error)).toContain('type');
  });

  it('adds and clears faults, and validates them', async () => {
    expect(await control('POST', '/__emulator/faults', [{ kind: 'http', status: 503, code: 'ServiceUnavailable', times: 'Infinity' }, { kind: 'reset' }])).toEqual({
      status: 200,
      body: { added: 2 },
    });
    expect((await client.callExpectingError('ListCustomConnectors', { namespace: NS, workspace })).statusCode).toBe(503);
    expect((await client.callExpectingError('ListCustomConnectors', { namespace: NS, workspace })).statusCode).toBe(503);
    expect((await control('DELETE', '/__emulator/faults')).status).toBe(200);
    expectSuccess((await list()).body);

    const invalid = await control('POST', '/__emulator/faults', { kind: 'explode' });
    expect(invalid.status).toBe(400);
    expect(String(invalid.body.error)).toContain('kind');
  });

  it('changes latency and visibility delay', async () => {
    expect((await control('POST', '/__emulator/config', { visibilityDelayMs: 10_000 })).body).toEqual({ latencyMs: 0, visibilityDelayMs: 10_000 });
    expectSuccess((await register(KAFKA_V1)).body);
    expect(expectSuccess((await list()).body)).toEqual([]);
    expect((await control('POST', '/__emulator/config', { latencyMs: -5 })).status).toBe(400);
  });
});
