import * as $dara from '@darabonba/typescript';
import type { LiveConnector, TableMeta, Target } from '../model.js';
import { CloudError, businessError, toCloudError } from './errors.js';
import { type RetryHooks, type RetryPolicy, retryDelay, withRetry } from './retry.js';
import { type OpenApiConfig, type PagedEnvelope, type SdkResponse, Ververica, type WireConnector, type WireDeployment, type WireTable } from './sdk.js';

/** The three operations the action needs, in domain terms. Tests and the engine depend on this only. */
export interface ConnectorApi {
  list(target: Target): Promise<LiveConnector[]>;
  /**
   * Registers a JAR and returns the connectors the platform parsed from it. When the response is
   * lost (reset, timeout) the call lists before retrying, because a type can be registered only
   * once: if connectors named `expectedNames` are listed by then, they are the result.
   */
  register(target: Target, jarUrl: string, expectedNames: readonly string[]): Promise<LiveConnector[]>;
  /** Deletes a connector; a 404 means it is already gone. */
  delete(target: Target, name: string): Promise<{ tables: TableMeta[]; alreadyGone: boolean }>;
}

/** One page of `ListDeployments`. */
export interface DeploymentPage {
  readonly deployments: readonly WireDeployment[];
  /** All deployments of the namespace, as the service counts them. */
  readonly totalSize: number;
}

/** A catalog table, `properties.connector` naming the connector type it is built on. */
export interface CatalogTable {
  readonly name: string;
  readonly connector?: string;
}

/** The reads that tell who uses a connector (deployments and catalog tables); read-only. */
export interface UsageApi {
  listDeployments(target: Target, pageIndex: number, pageSize: number): Promise<DeploymentPage>;
  getCatalogs(target: Target): Promise<string[]>;
  getDatabases(target: Target, catalog: string): Promise<string[]>;
  getTables(target: Target, catalog: string, database: string): Promise<CatalogTable[]>;
}

export interface ConnectorApiOptions {
  readonly config: OpenApiConfig;
  readonly requestTimeoutMs: number;
  readonly retry: RetryPolicy;
  readonly hooks: RetryHooks;
  /** Values to scrub from every error message. */
  readonly secrets: readonly string[];
}

export function normalizeConnector(wire: WireConnector): LiveConnector {
  return {
    name: wire.name ?? '',
    type: wire.type ?? '',
    source: wire.source === true,
    sink: wire.sink === true,
    lookup: wire.lookup === true,
    properties: (wire.properties ?? []).map((p) => ({ ...p, key: p.key ?? '' })),
    supportedFormats: wire.supportedFormats ?? [],
    dependencies: wire.dependencies ?? [],
    creator: wire.creator,
    creatorName: wire.creatorName,
    modifier: wire.modifier,
    modifierName: wire.modifierName,
  };
}

const tableOf = (t: WireTable): CatalogTable => ({ name: t.name ?? '', connector: t.properties?.connector });

export function createConnectorApi(options: ConnectorApiOptions): ConnectorApi & UsageApi {
  const runtime = new $dara.RuntimeOptions({
    readTimeout: options.requestTimeoutMs,
    connectTimeout: Math.min(options.requestTimeoutMs, 10_000),
    autoretry: false,
  });
  const sdk = new Ververica(options.config, runtime);
  const secrets = options.secrets;

  // The runtime's own timeouts cover a silent socket; this bound also covers a response that
  // trickles in forever, so no request can outlive its timeout by much.
  async function bounded<T>(action: string, call: () => Promise<SdkResponse<T>>): Promise<T> {
    return (await boundedBody(action, call)).data as T;
  }

  async function boundedBody<T>(action: string, call: () => Promise<SdkResponse<T>>): Promise<PagedEnvelope<T>> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new CloudError(`${action} timed out after ${options.requestTimeoutMs} ms`, 'timeout', 'RequestTimeout', action)),
        options.requestTimeoutMs + 1_000,
      );
    });
    try {
      const response = await Promise.race([call(), deadline]);
      const body = response.body;
      if (!body || body.success !== true) throw businessError(action, body ?? {}, secrets);
      return body;
    } catch (error) {
      throw toCloudError(error, action, secrets);
    } finally {
      clearTimeout(timer);
    }
  }

  const retried = <T>(action: string, call: () => Promise<SdkResponse<T>>): Promise<T> =>
    withRetry(() => bounded(action, call), (e) => toCloudError(e, action, secrets), options.retry, options.hooks);

  const list = async (target: Target): Promise<LiveConnector[]> => {
    const data = await retried('ListCustomConnectors', () =>
      sdk.listCustomConnectors(target.namespace, { workspace: target.workspaceId }),
    );
    return (data ?? []).map(normalizeConnector);
  };

  const ws = (target: Target): { workspace: string } => ({ workspace: target.workspaceId });

  return {
    list,

    async listDeployments(target, pageIndex, pageSize) {
      const body = await withRetry(
        () => boundedBody('ListDeployments', () => sdk.listDeployments(target.namespace, { pageIndex, pageSize }, ws(target))),
        (e) => toCloudError(e, 'ListDeployments', secrets),
        options.retry,
        options.hooks,
      );
      const deployments = body.data ?? [];
      return { deployments, totalSize: typeof body.totalSize === 'number' ? body.totalSize : deployments.length };
    },

    async getCatalogs(target) {
      const data = await retried('GetCatalogs', () => sdk.getCatalogs(target.namespace, ws(target)));
      return (data ?? []).map((c) => c.name ?? '').filter((n) => n !== '');
    },

    async getDatabases(target, catalog) {
      const data = await retried('GetDatabases', () => sdk.getDatabases(target.namespace, catalog, ws(target)));
      return (data ?? []).map((d) => d.name ?? '').filter((n) => n !== '');
    },

    async getTables(target, catalog, database) {
      const data = await retried('GetTables', () => sdk.getTables(target.namespace, catalog, database, ws(target)));
      return (data ?? []).map(tableOf);
    },

    async register(target, jarUrl, expectedNames) {
      for (let attempt = 1; ; attempt++) {
        let error: CloudError;
        try {
          const data = await bounded('RegisterCustomConnector', () =>
            sdk.registerCustomConnector(target.namespace, { jarUrl }, { workspace: target.workspaceId }),
          );
          return (data ?? []).map(normalizeConnector);
        } catch (raw) {
          error = toCloudError(raw, 'RegisterCustomConnector', secrets);
        }
        const delay = retryDelay(error, attempt, options.retry, options.hooks.random);
        if (delay === undefined) throw error;
        if (error.kind === 'timeout' || error.kind === 'network') {
          // The request may have reached the service: look before registering again. Only the
          // connectors this registration was meant to create count as its result.
          let live: LiveConnector[];
          try {
            live = await list(target);
          } catch {
            throw error;
          }
          const registered = live.filter((c) => expectedNames.includes(c.name));
          if (registered.length > 0) return registered;
        }
        options.hooks.onRetry?.(error, attempt, delay);
        await options.hooks.sleep(delay);
      }
    },

    async delete(target, name) {
      try {
        const data = await retried('DeleteCustomConnector', () =>
          sdk.deleteCustomConnector(target.namespace, name, { workspace: target.workspaceId }),
        );
        return { tables: (data ?? []).map((t) => ({ catalogName: t.catalogName ?? '', databaseName: t.databaseName ?? '', tableName: t.tableName ?? '' })), alreadyGone: false };
      } catch (error) {
        if (error instanceof CloudError && error.statusCode === 404) return { tables: [], alreadyGone: true };
        throw error;
      }
    },
  };
}
