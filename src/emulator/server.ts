/**
 * A local emulator of the Ververica workspace API's three connector
 * operations, the reads of deployments and catalogs and SQL validation, speaking the same wire protocol as the cloud: ROA paths,
 * ACS3-HMAC-SHA256 signatures, the `{requestId, success, ...}` envelope, gateway
 * error bodies. The real SDK runtime can point at it with
 * `endpoint: '127.0.0.1:PORT', protocol: 'http'`.
 *
 * It also offers what the cloud does not: delayed visibility, injected faults,
 * call counts, and unsigned control endpoints under `/__emulator/` so a
 * separate process (a benchmark, a demo) can drive it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { STATUS_CODES, createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LiveConnector, TableMeta, Target } from '../model.js';
import { specToConnector, validateConnectorSpecs, type ConnectorSpec, type JarCatalog } from './catalog.js';
import { FaultQueue, parseFaultRule, type ApiAction, type FaultEffect, type FaultRule } from './faults.js';
import { verifySignature, type KeyRecord } from './signature.js';
import { WorkspaceStore, type TargetState } from './state.js';
import { readBody } from './http.js';
import { validateStatement } from './validate-sql.js';
import { type TargetUsageSpec, type UsageSpec, UsageStore, validateUsageSpecs } from './usage.js';

export type { ApiAction, FaultRule } from './faults.js';
export type { ConnectorSpec, JarCatalog } from './catalog.js';
export type { TargetState } from './state.js';
export type { DeploymentSpec, TableSpec, TargetUsageSpec, UsageSpec } from './usage.js';

/** The API version the emulator serves; requests for another are refused. */
export const API_VERSION = '2022-07-18';

export interface EmulatorOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port to listen on; default 0 (an ephemeral port, see `EmulatorHandle.url`). */
  port?: number;
  /** AccessKeyId -> AccessKeySecret accepted. */
  accessKeys: Record<string, string>;
  /** AccessKeyId -> the `x-acs-security-token` its requests must carry (STS keys). */
  securityTokens?: Record<string, string>;
  /** JAR URL -> the connectors that JAR declares. */
  catalog: JarCatalog;
  /** Added to every API call (not to control endpoints). */
  latencyMs?: number;
  /** A registered connector shows in list results only after this long. */
  visibilityDelayMs?: number;
  /** Clock of the visibility delay, in ms; default `Date.now`. Tests pass one they move themselves. */
  now?: () => number;
  /** Connector name -> the tables a delete of it reports. */
  tables?: Record<string, readonly TableMeta[]>;
  /** Deployments and catalog tables per target (the catalog file's `usage`). */
  usage?: readonly TargetUsageSpec[];
}

/** API calls received, by action (`Unknown` for requests no route matched), faulted and refused ones included. */
export interface EmulatorStats {
  calls: Record<string, number>;
  total: number;
}

/** An API call whose client closed the connection before its answer was sent. */
export interface AbandonedCall {
  readonly action: string;
  /** From the call's arrival to the client closing the connection, in ms. */
  readonly afterMs: number;
}

export interface EmulatorHandle {
  /** `http://HOST:PORT` */
  readonly url: string;
  /** `HOST:PORT`, what the client's `endpoint` config takes. */
  readonly endpoint: string;
  stats(): EmulatorStats;
  resetStats(): void;
  /** Calls whose client gave up (closed the connection) before the answer, oldest first. */
  abandoned(): readonly AbandonedCall[];
  /** When each API call since the last `resetStats` arrived (epoch ms), by action, oldest first. */
  arrivals(action: string): readonly number[];
  /** Every connector of the target, including those not yet visible in list results. */
  connectors(workspaceId: string, namespace: string): LiveConnector[];
  /** Puts connectors in place as if registered outside the action, visible at once (same name: replaced). */
  seed(workspaceId: string, namespace: string, connectors: readonly LiveConnector[]): void;
  /** Adds deployments and catalog tables to a target (same name: replaced). */
  seedUsage(workspaceId: string, namespace: string, usage: UsageSpec): void;
  injectFault(fault: FaultRule): void;
  clearFaults(): void;
  /** Applies to registrations made from now on. */
  setVisibilityDelay(ms: number): void;
  setLatency(ms: number): void;
  /** Stops listening, drops open connections and abandons pending delayed responses. */
  close(): Promise<void>;
}

/** Bodies larger than this are refused; only `ValidateSqlStatement` sends one. */
const MAX_BODY_BYTES = 1024 * 1024;

interface Route {
  readonly action: ApiAction;
  readonly namespace: string;
  readonly connectorName?: string;
  readonly catalog?: string;
  readonly database?: string;
}

/** A response computed but not yet written, so faults can delay or drop it. */
interface Reply {
  readonly status: number;
  /** Sent as JSON, unless it is a `RawBody`. */
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

/** A body sent as is (an HTML page, nothing), not as JSON. */
class RawBody {
  constructor(
    readonly contentType: string,
    readonly text: string,
  ) {}
}

export async function startEmulator(options: EmulatorOptions): Promise<EmulatorHandle> {
  const emulator = new Emulator(options);
  return emulator.listen(options.host ?? '127.0.0.1', options.port ?? 0);
}

class Emulator {
  private readonly store: WorkspaceStore;
  private readonly usage = new UsageStore();
  private readonly faults = new FaultQueue();
  private readonly keys: Map<string, KeyRecord>;
  private readonly catalog: JarCatalog;
  private readonly tables: Record<string, readonly TableMeta[]>;
  private latencyMs: number;
  private visibilityDelayMs: number;
  private calls: Record<string, number> = {};
  private readonly abandonedCalls: AbandonedCall[] = [];
  private arrived: { action: string; at: number }[] = [];
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private closed = false;
  private readonly server: Server;

  constructor(options: EmulatorOptions) {
    this.keys = new Map(
      Object.entries(options.accessKeys).map(([id, secret]) => [id, { secret, securityToken: options.securityTokens?.[id] }]),
    );
    this.store = new WorkspaceStore(options.now);
    this.catalog = options.catalog;
    this.tables = options.tables ?? {};
    for (const u of options.usage ?? []) this.usage.seed(u, u);
    this.latencyMs = nonNegative(options.latencyMs ?? 0, 'latencyMs');
    this.visibilityDelayMs = nonNegative(options.visibilityDelayMs ?? 0, 'visibilityDelayMs');
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          const message = error instanceof Error ? error.message : String(error);
          this.send(res, { status: 500, body: gatewayError('InternalError', `The emulator failed: ${message}`, randomRequestId(), hostOf(req)) });
        }
      });
    });
  }

  listen(host: string, port: number): Promise<EmulatorHandle> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address() as AddressInfo;
        const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        resolve(this.makeHandle(`${shownHost}:${address.port}`));
      });
    });
  }

  private makeHandle(endpoint: string): EmulatorHandle {
    return {
      url: `http://${endpoint}`,
      endpoint,
      stats: () => this.stats(),
      resetStats: () => {
        this.calls = {};
        this.arrived = [];
      },
      arrivals: (action) => this.arrived.filter((a) => a.action === action).map((a) => a.at),
      abandoned: () => [...this.abandonedCalls],
      connectors: (workspaceId, namespace) => this.store.listAll({ workspaceId, namespace }),
      seed: (workspaceId, namespace, connectors) => this.store.seed({ workspaceId, namespace }, connectors.map(specToConnector)),
      seedUsage: (workspaceId, namespace, usage) => this.usage.seed({ workspaceId, namespace }, usage),
      injectFault: (fault) => {
        const checked = parseFaultRule(fault);
        if (typeof checked === 'string') throw new TypeError(`invalid fault rule: ${checked}`);
        this.faults.add(checked);
      },
      clearFaults: () => this.faults.clear(),
      setVisibilityDelay: (ms) => {
        this.visibilityDelayMs = nonNegative(ms, 'visibilityDelayMs');
      },
      setLatency: (ms) => {
        this.latencyMs = nonNegative(ms, 'latencyMs');
      },
      close: () => this.close(),
    };
  }

  private stats(): EmulatorStats {
    const calls = { ...this.calls };
    return { calls, total: Object.values(calls).reduce((sum, count) => sum + count, 0) };
  }

  private close(): Promise<void> {
    this.closed = true;
    for (const pending of this.timers) {
      clearTimeout(pending.timer);
      pending.resolve();
    }
    this.timers.clear();
    return new Promise((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }

  /** A sleep that `close()` cuts short, so a long `slow` fault cannot keep the process alive. */
  private delay(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const pending = {
        resolve,
        timer: setTimeout(() => {
          this.timers.delete(pending);
          resolve();
        }, ms),
      };
      this.timers.add(pending);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const queryStart = url.indexOf('?');
    const rawPath = queryStart < 0 ? url : url.slice(0, queryStart);
    const rawQuery = queryStart < 0 ? '' : url.slice(queryStart + 1);
    const body = await readBody(req, MAX_BODY_BYTES);
    if (this.closed) return;
    if (body === undefined) {
      this.send(res, { status: 413, body: gatewayError('RequestEntityTooLarge', 'The request body is too large.', randomRequestId(), hostOf(req)) });
      return;
    }
    if (rawPath === '/__emulator' || rawPath.startsWith('/__emulator/')) {
      this.send(res, this.control(req.method ?? 'GET', rawPath, body));
      return;
    }
    await this.api(req, res, rawPath, rawQuery, body);
  }

  private async api(req: IncomingMessage, res: ServerResponse, rawPath: string, rawQuery: string, body: Buffer): Promise<void> {
    const requestId = randomRequestId();
    const host = hostOf(req);
    const route = matchRoute(req.method ?? 'GET', rawPath);
    const action = route?.action ?? 'Unknown';
    this.calls[action] = (this.calls[action] ?? 0) + 1;
    const arrived = Date.now();
    this.arrived.push({ action, at: arrived });
    let droppedHere = false;
    res.once('close', () => {
      if (!res.writableEnded && !droppedHere && !this.closed) this.abandonedCalls.push({ action, afterMs: Date.now() - arrived });
    });

    await this.delay(this.latencyMs);
    if (this.closed) return;
    if (route === undefined) {
      this.send(res, { status: 404, body: gatewayError('NotFound', `No API matches ${req.method ?? ''} ${rawPath}.`, requestId, host) });
      return;
    }

    const workspaceId = singleHeader(req, 'workspace');
    const fault = this.faults.take({ action: route.action, namespace: route.namespace, workspaceId });
    const early = fault === undefined ? undefined : this.immediateFault(fault, requestId, host, req.headers);
    if (early === 'destroy') {
      droppedHere = true;
      req.socket.destroy();
      return;
    }
    const served = early ?? (fault?.kind === 'slow' && fault.acts === false ? undefined : this.serve(req, route, rawPath, rawQuery, body, requestId, host));
    // A fault that lets the call happen can still replace its answer.
    const reply = fault?.kind === 'http' && fault.afterServing ? httpFault(fault, requestId, host, req.headers) : (served ?? httpFault({ kind: 'http', status: 504, code: 'GatewayTimeout', body: 'html' }, requestId, host));

    if (fault?.kind === 'lost-response') {
      droppedHere = true;
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'slow') {
      await this.delay(fault.delayMs);
      if (this.closed) return;
    }
    this.send(res, reply, requestId);
  }

  /** Faults that replace the call entirely (it never reaches the service). */
  private immediateFault(fault: FaultEffect, requestId: string, host: string, headers: IncomingHttpHeaders): Reply | 'destroy' | undefined {
    switch (fault.kind) {
      case 'http':
        return fault.afterServing ? undefined : httpFault(fault, requestId, host, headers);
      case 'business':
        return { status: 200, body: failure(requestId, fault.errorCode, fault.errorMessage) };
      case 'reset':
        return 'destroy';
      case 'slow':
      case 'lost-response':
        return undefined;
    }
  }

  /** Authentication, request checks, then the operation itself. */
  private serve(req: IncomingMessage, route: Route, rawPath: string, rawQuery: string, body: Buffer, requestId: string, host: string): Reply {
    const refuse = (status: number, code: string, message: string): Reply => ({ status, body: gatewayError(code, message, requestId, host) });

    const verdict = verifySignature(
      { method: req.method ?? 'GET', rawPath, rawQuery, headers: req.headersDistinct, body },
      (id) => this.keys.get(id),
    );
    if (!verdict.ok) return refuse(verdict.status, verdict.code, verdict.message);

    const version = singleHeader(req, 'x-acs-version');
    if (version !== API_VERSION) return refuse(400, 'InvalidVersion', `Specified API version is not valid; this API is ${API_VERSION}.`);
    const actionHeader = singleHeader(req, 'x-acs-action');
    if (actionHeader !== route.action) {
      return refuse(400, 'InvalidAction.NotFound', `The x-acs-action header does not name the API at this path (${route.action}).`);
    }
    const workspaceId = singleHeader(req, 'workspace');
    if (workspaceId === undefined || workspaceId.trim() === '') {
      return refuse(400, 'MissingWorkspace', 'The workspace header is mandatory for this action: it carries the workspace ID.');
    }

    const target: Target = { workspaceId, namespace: route.namespace };
    switch (route.action) {
      case 'ListCustomConnectors':
        return { status: 200, body: success(requestId, this.store.listVisible(target)) };
      case 'RegisterCustomConnector':
        return this.register(target, rawQuery, verdict.accessKeyId, requestId, refuse);
      case 'DeleteCustomConnector':
        return this.remove(target, route.connectorName ?? '', requestId, refuse);
      case 'ListDeployments': {
        const query = new URLSearchParams(rawQuery);
        const page = this.usage.deployments(target, Number(query.get('pageIndex') ?? '1') || 1, Number(query.get('pageSize') ?? '10') || 10);
        return { status: 200, body: { ...(success(requestId, page.data) as object), pageIndex: page.pageIndex, pageSize: page.pageSize, totalSize: page.totalSize } };
      }
      case 'GetCatalogs':
        return { status: 200, body: success(requestId, this.usage.catalogs(target)) };
      case 'GetDatabases':
        return { status: 200, body: success(requestId, this.usage.databases(target, route.catalog ?? '')) };
      case 'GetTables':
        return { status: 200, body: success(requestId, this.usage.tablesOf(target, route.catalog ?? '', route.database ?? '')) };
      case 'ValidateSqlStatement':
        return this.validateSql(req, target, body, requestId, refuse);
    }
  }

  /** Flink's factory validation against what is registered (visible or not) in the namespace now. */
  private validateSql(req: IncomingMessage, target: Target, body: Buffer, requestId: string, refuse: (status: number, code: string, message: string) => Reply): Reply {
    if (!/^application\/json\b/i.test(singleHeader(req, 'content-type') ?? '')) return refuse(415, 'UnsupportedMediaType', 'The body must be application/json.');
    const parsed = parseJson(body);
    const request = (parsed ?? {}) as Record<string, unknown>;
    if (parsed instanceof Error || typeof request.statement !== 'string' || typeof request.batchMode !== 'boolean') {
      return refuse(400, 'InvalidParameter', 'The body must be a SqlStatementWithContext with statement (string) and batchMode (boolean).');
    }
    const problem = validateStatement(request.statement, this.store.listAll(target));
    if (problem === undefined) return { status: 200, body: success(requestId, { success: true, validationResult: 'VALIDATION_RESULT_VALID', message: '' }) };
    const details = {
      lineNumber: String(problem.line),
      columnNumber: String(problem.column),
      endLineNumber: String(problem.endLine),
      endColumnNumber: String(problem.endColumn),
      message: problem.message,
      invalidflinkConf: [],
    };
    return { status: 200, body: success(requestId, { success: false, validationResult: 'VALIDATION_RESULT_INVALID', message: problem.message, errorDetails: details }) };
  }

  private register(target: Target, rawQuery: string, accessKeyId: string, requestId: string, refuse: (status: number, code: string, message: string) => Reply): Reply {
    const jarUrl = new URLSearchParams(rawQuery).get('jarUrl');
    if (jarUrl === null || jarUrl.trim() === '') return refuse(400, 'MissingJarUrl', 'The jarUrl query parameter is mandatory for this action.');
    const specs = this.catalog[jarUrl];
    if (specs === undefined) {
      return { status: 200, body: failure(requestId, 'JarNotFound', `Failed to download the JAR file '${jarUrl}': the file does not exist or cannot be read.`) };
    }
    if (specs.length === 0) {
      return { status: 200, body: failure(requestId, 'NoConnectorFound', `No connector was found in the JAR file '${jarUrl}'.`) };
    }
    const user = auditUser(accessKeyId);
    const connectors = specs.map((spec) => ({
      ...specToConnector(spec),
      creator: user.id,
      creatorName: user.name,
      modifier: user.id,
      modifierName: user.name,
    }));
    const refused = this.store.register(target, connectors, this.visibilityDelayMs);
    if (refused !== undefined) return { status: 200, body: failure(requestId, refused.errorCode, refused.errorMessage) };
    return { status: 200, body: success(requestId, connectors) };
  }

  private remove(target: Target, name: string, requestId: string, refuse: (status: number, code: string, message: string) => Reply): Reply {
    if (!this.store.delete(target, name)) {
      return refuse(404, 'ConnectorNotFound', `The connector '${name}' does not exist in namespace '${target.namespace}'.`);
    }
    return { status: 200, body: success(requestId, this.tables[name] ?? []) };
  }

  /** The unsigned control API; it never counts as an API call and has no latency. */
  private control(method: string, rawPath: string, body: Buffer): Reply {
    const ok = (data: unknown): Reply => ({ status: 200, body: data });
    const bad = (message: string): Reply => ({ status: 400, body: { error: message } });
    const key = `${method} ${rawPath.replace(/\/+$/, '')}`;
    switch (key) {
      case 'GET /__emulator/stats':
        return ok(this.stats());
      case 'POST /__emulator/stats/reset':
        this.calls = {};
        return ok(this.stats());
      case 'GET /__emulator/state':
        return ok({ targets: this.store.dump() satisfies TargetState[], faults: this.faults.pending() });
      case 'DELETE /__emulator/faults':
        this.faults.clear();
        return ok({ cleared: true });
      case 'POST /__emulator/faults': {
        const parsed = parseJson(body);
        if (parsed instanceof Error) return bad(parsed.message);
        const list: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
        const rules: FaultRule[] = [];
        for (const [index, item] of list.entries()) {
          const rule = parseFaultRule(item);
          if (typeof rule === 'string') return bad(`fault ${index}: ${rule}`);
          rules.push(rule);
        }
        rules.forEach((rule) => this.faults.add(rule));
        return ok({ added: rules.length });
      }
      case 'POST /__emulator/seed': {
        const parsed = parseJson(body);
        if (parsed instanceof Error) return bad(parsed.message);
        const { workspaceId, namespace, connectors } = (parsed ?? {}) as Record<string, unknown>;
        if (typeof workspaceId !== 'string' || workspaceId === '') return bad('workspaceId must be a non-empty string');
        if (typeof namespace !== 'string' || namespace === '') return bad('namespace must be a non-empty string');
        const checked = validateConnectorSpecs(connectors);
        if ('problems' in checked) return bad(checked.problems.join('; '));
        try {
          this.store.seed({ workspaceId, namespace }, checked.specs.map((spec: ConnectorSpec) => specToConnector(spec)));
        } catch (error) {
          return bad(error instanceof Error ? error.message : String(error));
        }
        return ok({ seeded: checked.specs.length });
      }
      case 'POST /__emulator/usage': {
        const parsed = parseJson(body);
        if (parsed instanceof Error) return bad(parsed.message);
        const checked = validateUsageSpecs(parsed);
        if ('problems' in checked) return bad(checked.problems.join('; '));
        for (const spec of checked.specs) this.usage.seed(spec, spec);
        return ok({ seeded: checked.specs.length });
      }
      case 'POST /__emulator/config': {
        const parsed = parseJson(body);
        if (parsed instanceof Error) return bad(parsed.message);
        const { latencyMs, visibilityDelayMs } = (parsed ?? {}) as Record<string, unknown>;
        for (const [name, value] of [['latencyMs', latencyMs], ['visibilityDelayMs', visibilityDelayMs]] as const) {
          if (value !== undefined && (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value))) return bad(`${name} must be a number >= 0`);
        }
        if (typeof latencyMs === 'number') this.latencyMs = latencyMs;
        if (typeof visibilityDelayMs === 'number') this.visibilityDelayMs = visibilityDelayMs;
        return ok({ latencyMs: this.latencyMs, visibilityDelayMs: this.visibilityDelayMs });
      }
      default:
        return { status: 404, body: { error: `unknown control endpoint ${key}` } };
    }
  }

  private send(res: ServerResponse, reply: Reply, requestId?: string): void {
    if (res.destroyed) return;
    const raw = reply.body instanceof RawBody ? reply.body : undefined;
    const payload = Buffer.from(raw ? raw.text : JSON.stringify(reply.body), 'utf8');
    res.writeHead(reply.status, {
      'content-type': raw ? raw.contentType : 'application/json;charset=utf-8',
      'content-length': String(payload.length),
      ...(requestId !== undefined && { 'x-acs-request-id': requestId }),
      ...reply.headers,
    });
    res.end(payload);
  }
}

/**
 * Maps a raw (still percent-encoded) path to an action. The register path's
 * colon arrives encoded (`%3A`) from the SDK; a literal `:` is accepted too.
 */
export function matchRoute(method: string, rawPath: string): Route | undefined {
  const segments = rawPath.split('/');
  // ['', 'api', 'v2', 'namespaces', ns, 'connectors...', name?]
  if (segments.length < 6 || segments[0] !== '' || segments[1] !== 'api' || segments[2] !== 'v2' || segments[3] !== 'namespaces') return undefined;
  const namespace = decodeSegment(segments[4] ?? '');
  if (namespace === undefined || namespace === '') return undefined;
  const rest = segments.slice(5);
  if (rest.length === 1 && rest[0] === 'connectors' && method === 'GET') {
    return { action: 'ListCustomConnectors', namespace };
  }
  if (rest.length === 1 && /^connectors(%3a|:)register$/i.test(rest[0] ?? '') && method === 'POST') {
    return { action: 'RegisterCustomConnector', namespace };
  }
  if (rest.length === 2 && rest[0] === 'sql-statement' && rest[1] === 'validate' && method === 'POST') {
    return { action: 'ValidateSqlStatement', namespace };
  }
  if (method === 'GET') {
    const usage = matchUsageRoute(namespace, rest);
    if (usage !== undefined) return usage;
  }
  if (rest.length === 2 && rest[0] === 'connectors' && method === 'DELETE') {
    const connectorName = decodeSegment(rest[1] ?? '');
    if (connectorName === undefined || connectorName === '') return undefined;
    return { action: 'DeleteCustomConnector', namespace, connectorName };
  }
  return undefined;
}

/** `deployments`, `catalogs`, `catalogs/{c}/databases`, `catalogs/{c}/databases/{d}/tables`. */
function matchUsageRoute(namespace: string, rest: readonly string[]): Route | undefined {
  if (rest.length === 1 && rest[0] === 'deployments') return { action: 'ListDeployments', namespace };
  if (rest[0] !== 'catalogs') return undefined;
  if (rest.length === 1) return { action: 'GetCatalogs', namespace };
  const catalog = decodeSegment(rest[1] ?? '');
  if (!catalog || rest[2] !== 'databases') return undefined;
  if (rest.length === 3) return { action: 'GetDatabases', namespace, catalog };
  const database = decodeSegment(rest[3] ?? '');
  if (!database || rest.length !== 5 || rest[4] !== 'tables') return undefined;
  return { action: 'GetTables', namespace, catalog, database };
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function success(requestId: string, data: unknown): unknown {
  return { requestId, success: true, httpCode: 200, errorCode: '', errorMessage: '', data };
}

function failure(requestId: string, errorCode: string, errorMessage: string): unknown {
  return { requestId, success: false, httpCode: 200, errorCode, errorMessage };
}

/** An injected HTTP error, with the body shape the rule asks for. */
function httpFault(fault: Extract<FaultEffect, { kind: 'http' }>, requestId: string, host: string, requestHeaders: IncomingHttpHeaders = {}): Reply {
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) headers['x-acs-retry-after'] = String(Math.round(fault.retryAfterSeconds * 1000));
  const message = fault.message ?? `Injected fault: ${fault.code}.`;
  switch (fault.body ?? 'gateway') {
    case 'gateway':
      return { status: fault.status, body: gatewayError(fault.code, message, requestId, host), headers };
    case 'envelope':
      return { status: fault.status, body: { requestId, success: false, httpCode: fault.status, errorCode: fault.code, errorMessage: message }, headers };
    case 'html':
      return { status: fault.status, body: new RawBody('text/html', gatewayPage(fault.status)), headers };
    case 'echo':
      return { status: fault.status, body: new RawBody('text/html', echoPage(fault.status, requestHeaders)), headers };
    case 'empty':
      return { status: fault.status, body: new RawBody('text/plain', ''), headers };
  }
}

/**
 * A firewall's block page: the header it objected to (the security token, when there is one) first,
 * then the others, HTML-escaped, for whoever debugs the proxy.
 */
function echoPage(status: number, requestHeaders: IncomingHttpHeaders): string {
  const escape = (text: string): string => text.replace(/[&<>"'/+=]/g, (c) => `&#${c.charCodeAt(0)};`);
  const objected = 'x-acs-security-token';
  const names = Object.keys(requestHeaders).sort((a, b) => Number(b === objected) - Number(a === objected));
  const rows = names.map((name) => `<tr><td>${escape(name)}</td><td>${escape(String(requestHeaders[name]))}</td></tr>`);
  return `<html><body><h1>${status}</h1><table>${rows.join('')}</table></body></html>`;
}

/** What a load balancer answers with: a page for people, several lines long. */
function gatewayPage(status: number): string {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

/** The gateway's error body; the runtime reads `Code`, `Message` and `RequestId` from it. */
function gatewayError(code: string, message: string, requestId: string, hostId: string): unknown {
  return { RequestId: requestId, HostId: hostId, Code: code, Message: message };
}

/**
 * A stable, plausible account identity for the audit fields: the console shows
 * a masked numeric UID and a user name, neither of which reveals the key.
 */
export function auditUser(accessKeyId: string): { id: string; name: string } {
  const digest = createHash('sha256').update(accessKeyId, 'utf8').digest();
  const digits = [...digest.subarray(0, 7)].map((byte) => String(byte % 10)).join('');
  return { id: `1${digits.slice(1)}*******`, name: `ram-user-${digest.subarray(7, 10).toString('hex')}` };
}

function randomRequestId(): string {
  return randomUUID().toUpperCase();
}

function hostOf(req: IncomingMessage): string {
  return req.headers.host ?? 'localhost';
}

function singleHeader(req: IncomingMessage, name: string): string | undefined {
  return req.headersDistinct[name]?.[0];
}


function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return new Error('the body must be JSON');
  }
}

function nonNegative(value: number, name: string): number {
  if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a finite number >= 0`);
  return value;
}
