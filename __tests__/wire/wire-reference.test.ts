/**
 * Pins every request our client sends to what Alibaba's official SDK sends
 * (../shared/docs/wire-reference.md, mirrored in docs/wire-reference.md when present): method, path
 * bytes, query bytes, `workspace`, `x-acs-version`, `x-acs-action`, content type and body. A runtime
 * upgrade that changes the wire fails here.
 */
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/apply/ports.js';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import type { Target } from '../../src/model.js';
import { createConnectorApi } from '../../src/ververica/connectors.js';
import { openApiConfig } from '../../src/ververica/config.js';
import { PROJECT_ROOT } from '../../scripts/local-runner.js';

interface WireRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const PINNED = ['workspace', 'x-acs-version', 'x-acs-action', 'content-type'] as const;

/** Each `## Title` with its ```http block, parsed. */
function referenceRequests(): Map<string, WireRequest> {
  const text = readFileSync(join(PROJECT_ROOT, '..', 'shared', 'docs', 'wire-reference.md'), 'utf8');
  const found = new Map<string, WireRequest>();
  for (const match of text.matchAll(/^## (.+)\n(?:(?!## )[^\n]*\n)*?```http\n([\s\S]*?)```/gm)) {
    const [title, block] = [match[1] as string, match[2] as string];
    const [head, ...rest] = block.split('\n\n');
    const [requestLine = '', ...headerLines] = (head ?? '').split('\n');
    const [method = '', url = ''] = requestLine.split(' ');
    const headers = Object.fromEntries(headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    found.set(title.trim(), { method, url, headers, body: rest.join('\n\n').replace(/\n$/, '') });
  }
  return found;
}

/** A server that keeps each request as it arrived and answers an empty success. */
function recorder(): Promise<{ server: Server; endpoint: string; requests: (WireRequest & { rawHeaders: IncomingHttpHeaders })[] }> {
  const requests: (WireRequest & { rawHeaders: IncomingHttpHeaders })[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers, body: Buffer.concat(chunks).toString('utf8'), rawHeaders: req.headers });
      const data = req.headers['x-acs-action'] === 'ValidateSqlStatement' ? { validationResult: 'VALIDATION_RESULT_VALID' } : [];
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
      res.end(JSON.stringify({ requestId: 'R', success: true, httpCode: 200, data, totalSize: 0 }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, endpoint: `127.0.0.1:${(server.address() as AddressInfo).port}`, requests })));
}

const target: Target = { workspaceId: 'ws-1', namespace: 'ns-a' };
const STATEMENT = "CREATE TEMPORARY TABLE t (a INT) WITH ('connector' = 'orders-kafka', 'topic' = 'x');\nINSERT INTO s SELECT * FROM t;";
const KEY = { accessKeyId: 'AKID', accessKeySecret: 'SECRET' };

let rec: Awaited<ReturnType<typeof recorder>>;
let emulator: EmulatorHandle;
const reference = referenceRequests();

beforeAll(async () => {
  rec = await recorder();
  emulator = await startEmulator({ accessKeys: { [KEY.accessKeyId]: KEY.accessKeySecret }, catalog: {} });
});
afterAll(async () => {
  await new Promise((resolve) => rec.server.close(resolve));
  await emulator.close();
});

function client() {
  return createConnectorApi({
    config: openApiConfig({ credentials: KEY, endpoint: { host: rec.endpoint, protocol: 'http' }, regionId: 'cn-hangzhou' }),
    requestTimeoutMs: 5_000,
    retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
    hooks: { sleep: systemClock.sleep, random: () => 0.5 },
    secrets: [KEY.accessKeySecret],
  });
}

/** Runs one call and answers the one request it sent. */
async function sent(call: () => Promise<unknown>): Promise<WireRequest & { rawHeaders: IncomingHttpHeaders }> {
  const before = rec.requests.length;
  await call().catch(() => undefined);
  expect(rec.requests.length - before).toBe(1);
  return rec.requests[before] as WireRequest & { rawHeaders: IncomingHttpHeaders };
}

const cases: [string, (api: ReturnType<typeof client>) => Promise<unknown>][] = [
  ['ListCustomConnectors', (api) => api.list(target)],
  ['RegisterCustomConnector (a plain JAR URL with a plus)', (api) => api.register(target, 'oss://bucket/dir/my-connector+v1.jar', ['x'])],
  ['DeleteCustomConnector', (api) => api.delete(target, 'orders-kafka')],
  ['ListDeployments (`pageIndex=1&pageSize=100`)', (api) => api.listDeployments(target, 1, 100)],
  ['ListDeployments (`pageIndex=2&pageSize=100`)', (api) => api.listDeployments(target, 2, 100)],
  ['GetCatalogs', (api) => api.getCatalogs(target)],
  ['GetDatabases', (api) => api.getDatabases(target, 'vvp')],
  ['GetTables', (api) => api.getTables(target, 'vvp', 'default')],
  [
    'ValidateSqlStatement',
    (api) =>
      api.validateSql(target, {
        statement: STATEMENT,
        batchMode: false,
        versionName: 'vvr-8.0.9-flink-1.17',
        flinkConfiguration: { 'execution.checkpointing.interval': '60s' },
        additionalDependencies: ['oss://b/udf.jar'],
      }),
  ],
];

describe('the wire is the vendor SDK’s', () => {
  it.each(cases)('%s: method, path and query bytes, pinned headers and body match the reference', async (title, call) => {
    const want = reference.get(title);
    expect(want, `wire-reference.md has no section "${title}"`).toBeDefined();
    const got = await sent(() => call(client()));
    expect(`${got.method} ${got.url}`).toBe(`${want?.method} ${want?.url}`);
    for (const name of PINNED) expect(got.headers[name], name).toBe(want?.headers[name]);
    expect(got.body).toBe(want?.body ?? '');
    if (want?.headers['x-acs-content-sha256']) expect(got.headers['x-acs-content-sha256']).toBe(want.headers['x-acs-content-sha256']);
  });

  it('the JAR URL with reserved characters decodes to the same value as the reference', async () => {
    const want = reference.get("RegisterCustomConnector (a URL with `()!*~é;,$=&'?#+%`)");
    const jar = "https://artifacts.example.com/c/conn(1)!*~é;,$=&v'x.jar?v=1&w=a+b%2Fc#f";
    const got = await sent(() => client().register(target, jar, ['x']));
    const query = (url: string): string | null => new URLSearchParams(url.slice(url.indexOf('?') + 1)).get('jarUrl');
    expect(query(got.url)).toBe(jar);
    expect(query(want?.url ?? '')).toBe(jar);
  });
});

describe('the emulator checks the signed body', () => {
  /** Sends a recorded request again, to the emulator, with its body as given. */
  function replay(r: WireRequest & { rawHeaders: IncomingHttpHeaders }, body: string): Promise<{ status: number; text: string }> {
    const [host, port] = emulator.endpoint.split(':');
    // The runtime streams the body (chunked); the replay sends it whole.
    const headers = Object.fromEntries(Object.entries(r.rawHeaders).filter(([k]) => k !== 'transfer-encoding'));
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host, port: Number(port), method: r.method, path: r.url, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('accepts the body as signed and refuses one changed after signing', async () => {
    const got = await sent(() => client().validateSql(target, { statement: "SELECT 'a'", batchMode: false }));
    const intact = await replay(got, got.body);
    expect(`${intact.status} ${intact.text}`).toMatch(/^200 /);
    const tampered = await replay(got, got.body.replace("SELECT 'a'", "SELECT 'b'"));
    expect(tampered.status).toBe(403);
    expect(tampered.text).toContain('SignatureDoesNotMatch');
  });
});
