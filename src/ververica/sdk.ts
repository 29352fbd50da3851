/**
 * The typed surface of the generated `@alicloud/ververica20220718` SDK for the connector operations,
 * the reads of deployments and catalogs and SQL validation, implemented over the same runtime the SDK uses (`@alicloud/openapi-core`). That SDK is
 * not on the registry we can reach; keeping its method names and shapes makes swapping it in a
 * one-file change.
 */
import * as OpenApiModule from '@alicloud/openapi-core';
import * as $dara from '@darabonba/typescript';
import type { ConnectorProperty, TableMeta } from '../model.js';
import { RAW_BODY } from './errors.js';

type OpenApiClientClass = typeof OpenApiModule.default.default;

// The runtime is CommonJS with `exports.default = Client`. Depending on the loader (the bundle,
// Vitest, tsx), the namespace's `default` is either the class or the whole `module.exports`.
function resolveClientClass(): OpenApiClientClass {
  const candidate = (OpenApiModule as unknown as { default: unknown }).default;
  if (typeof candidate === 'function') return candidate as unknown as OpenApiClientClass;
  const nested = (candidate as { default?: unknown } | undefined)?.default;
  if (typeof nested === 'function') return nested as unknown as OpenApiClientClass;
  throw new Error('Cannot load the Alibaba Cloud OpenAPI runtime (@alicloud/openapi-core).');
}

function resolveUtil(): typeof OpenApiModule.$OpenApiUtil {
  const direct = (OpenApiModule as { $OpenApiUtil?: typeof OpenApiModule.$OpenApiUtil }).$OpenApiUtil;
  if (direct) return direct;
  const nested = (OpenApiModule as unknown as { default: { $OpenApiUtil: typeof OpenApiModule.$OpenApiUtil } }).default
    .$OpenApiUtil;
  return nested;
}

/**
 * The runtime parses every failed answer's body as JSON before it attaches the status, so a
 * gateway's HTML page or an empty body would surface as a bare `SyntaxError` with no status. Bodies
 * that are not JSON are handed on as `{ [RAW_BODY]: text }` instead: the runtime then throws its
 * usual error with the status, and the text is there for the message (see errors.ts).
 */
function keepBodiesThatAreNotJson(): void {
  type StreamStatics = { readAsString(s: unknown): Promise<string>; readAsJSON(s: unknown): Promise<unknown> };
  // As with the client class: a loader gives either the named export or the whole `module.exports`.
  const namespace = $dara as unknown as { Stream?: StreamStatics; default?: { Stream?: StreamStatics } };
  const stream = namespace.Stream ?? namespace.default?.Stream;
  if (!stream) throw new Error('Cannot load the Alibaba Cloud runtime streams (@darabonba/typescript).');
  stream.readAsJSON = async (readable) => {
    const body = await stream.readAsString(readable);
    try {
      return JSON.parse(body) as unknown;
    } catch {
      return { [RAW_BODY]: body };
    }
  };
}
keepBodiesThatAreNotJson();

export const OpenApiClient = resolveClientClass();
export const OpenApiUtil = resolveUtil();
export type OpenApiConfig = InstanceType<typeof OpenApiUtil.Config>;

/** The response envelope of every Ververica operation. `success: false` arrives with HTTP 200. */
export interface Envelope<T> {
  requestId?: string;
  success?: boolean;
  httpCode?: number;
  errorCode?: string;
  errorMessage?: string;
  data?: T;
}

export interface SdkResponse<T> {
  statusCode?: number;
  headers?: Record<string, string>;
  body?: Envelope<T>;
}

export interface WorkspaceHeaders {
  /** The workspace ID. */
  workspace: string;
}

export interface RegisterCustomConnectorRequest {
  jarUrl: string;
}

/** The wire shape of `Connector`: every field optional, as the generated models declare it. */
export interface WireConnector {
  name?: string;
  type?: string;
  source?: boolean;
  sink?: boolean;
  lookup?: boolean;
  properties?: Partial<ConnectorProperty>[];
  supportedFormats?: string[];
  dependencies?: string[];
  creator?: string;
  creatorName?: string;
  modifier?: string;
  modifierName?: string;
}

/** The wire shape of `Deployment`, only the fields read here. */
export interface WireDeployment {
  deploymentId?: string;
  name?: string;
  namespace?: string;
  executionMode?: string;
  engineVersion?: string;
  flinkConf?: Record<string, string>;
  artifact?: {
    kind?: string;
    sqlArtifact?: { sqlScript?: string; additionalDependencies?: string[] };
    jarArtifact?: Record<string, unknown>;
  };
  jobSummary?: { running?: number; starting?: number; cancelling?: number; cancelled?: number; failed?: number; finished?: number };
}

/** `ListDeployments` carries its paging next to `data` in the envelope. */
export interface PagedEnvelope<T> extends Envelope<T> {
  pageIndex?: number;
  pageSize?: number;
  totalSize?: number;
}

export interface ListDeploymentsRequest {
  /** From 1. */
  pageIndex: number;
  pageSize: number;
}

export interface WireCatalog {
  name?: string;
  properties?: Record<string, string>;
}

export interface WireDatabase {
  name?: string;
  comment?: string;
}

export interface WireTable {
  name?: string;
  properties?: Record<string, string>;
}

/** `SqlStatementWithContext`: what `ValidateSqlStatement` checks a statement in. */
export interface ValidateSqlStatementRequest {
  statement: string;
  batchMode: boolean;
  versionName?: string;
  flinkConfiguration?: Record<string, string>;
  additionalDependencies?: string[];
}

/** `SqlStatementValidationResult`; the numbers arrive as strings. */
export interface WireValidationResult {
  success?: boolean;
  validationResult?: string;
  message?: string;
  errorDetails?: {
    lineNumber?: string;
    columnNumber?: string;
    endLineNumber?: string;
    endColumnNumber?: string;
    message?: string;
    invalidflinkConf?: string[];
  };
}

const VERSION = '2022-07-18';

export class Ververica {
  private readonly client: InstanceType<OpenApiClientClass>;

  constructor(
    config: OpenApiConfig,
    private readonly runtime: $dara.RuntimeOptions,
  ) {
    this.client = new OpenApiClient(config);
  }

  listCustomConnectors(namespace: string, headers: WorkspaceHeaders): Promise<SdkResponse<WireConnector[]>> {
    return this.call('ListCustomConnectors', 'GET', `/api/v2/namespaces/${encodeURIComponent(namespace)}/connectors`, headers);
  }

  registerCustomConnector(
    namespace: string,
    request: RegisterCustomConnectorRequest,
    headers: WorkspaceHeaders,
  ): Promise<SdkResponse<WireConnector[]>> {
    return this.call(
      'RegisterCustomConnector',
      'POST',
      `/api/v2/namespaces/${encodeURIComponent(namespace)}/connectors%3Aregister`,
      headers,
      { jarUrl: request.jarUrl },
    );
  }

  deleteCustomConnector(
    namespace: string,
    connectorName: string,
    headers: WorkspaceHeaders,
  ): Promise<SdkResponse<TableMeta[]>> {
    return this.call(
      'DeleteCustomConnector',
      'DELETE',
      `/api/v2/namespaces/${encodeURIComponent(namespace)}/connectors/${encodeURIComponent(connectorName)}`,
      headers,
    );
  }

  listDeployments(namespace: string, request: ListDeploymentsRequest, headers: WorkspaceHeaders): Promise<SdkResponse<WireDeployment[]>> {
    return this.call('ListDeployments', 'GET', `${this.ns(namespace)}/deployments`, headers, {
      pageIndex: String(request.pageIndex),
      pageSize: String(request.pageSize),
    });
  }

  getCatalogs(namespace: string, headers: WorkspaceHeaders): Promise<SdkResponse<WireCatalog[]>> {
    return this.call('GetCatalogs', 'GET', `${this.ns(namespace)}/catalogs`, headers);
  }

  getDatabases(namespace: string, catalogName: string, headers: WorkspaceHeaders): Promise<SdkResponse<WireDatabase[]>> {
    return this.call('GetDatabases', 'GET', `${this.ns(namespace)}/catalogs/${encodeURIComponent(catalogName)}/databases`, headers);
  }

  getTables(namespace: string, catalogName: string, databaseName: string, headers: WorkspaceHeaders): Promise<SdkResponse<WireTable[]>> {
    return this.call(
      'GetTables',
      'GET',
      `${this.ns(namespace)}/catalogs/${encodeURIComponent(catalogName)}/databases/${encodeURIComponent(databaseName)}/tables`,
      headers,
    );
  }

  validateSqlStatement(namespace: string, request: ValidateSqlStatementRequest, headers: WorkspaceHeaders): Promise<SdkResponse<WireValidationResult>> {
    // The official SDK sends the fields in this (alphabetical) order; the wire test pins the bytes.
    const body = {
      additionalDependencies: request.additionalDependencies,
      batchMode: request.batchMode,
      flinkConfiguration: request.flinkConfiguration,
      statement: request.statement,
      versionName: request.versionName,
    };
    return this.call('ValidateSqlStatement', 'POST', `${this.ns(namespace)}/sql-statement/validate`, headers, undefined, body);
  }

  private ns(namespace: string): string {
    return `/api/v2/namespaces/${encodeURIComponent(namespace)}`;
  }

  private async call<T>(
    action: string,
    method: string,
    pathname: string,
    headers: WorkspaceHeaders,
    query?: Record<string, string>,
    body?: Record<string, unknown>,
  ): Promise<SdkResponse<T>> {
    const params = new OpenApiUtil.Params({
      action,
      version: VERSION,
      protocol: 'HTTPS',
      pathname,
      method,
      authType: 'AK',
      style: 'ROA',
      reqBodyType: 'json',
      bodyType: 'json',
    });
    const request = new OpenApiUtil.OpenApiRequest({ headers: { workspace: headers.workspace }, query, ...(body !== undefined && { body }) });
    return (await this.client.callApi(params, request, this.runtime)) as SdkResponse<T>;
  }
}
