import * as $dara from '@darabonba/typescript';
import { formatDuration } from '../duration.js';
import { type LiveConnector, type TableMeta, type Target, targetKey } from '../model.js';
import { CONNECT_TIMEOUT, CloudError, type FailedBody, answerError, toCloudError } from './errors.js';
import { withinLimit } from './request-limit.js';
import { type RetryHooks, type RetryPolicy, retryDelay, withRetry } from './retry.js';
import { type SqlContext, type SqlValidation, interpretValidation } from './sql-validation.js';
import { type OpenApiConfig, type PagedEnvelope, type SdkResponse, Ververica, type WireConnector, type WireDeployment, type WireTable } from './sdk.js';

/**
 * After a mutation's answer was lost, timed out or was a server error, the service may still have
 * carried it out. A reconciler looks at the workspace and says whether the expected effect is there:
 * for a register, the connectors now live; for a delete, true when the connector is gone.
 * Undefined / false: not seen. `settle` false asks for one look (a retry follows at once when it
 * shows nothing); true asks to keep looking for the settle window, allowing for the list's
 * visibility delay (after a retry answered "already exists", or when no retry is left).
 */
export type RegisterReconciler = (error: CloudError, settle: boolean) => Promise<readonly LiveConnector[] | undefined>;
export type DeleteReconciler = (error: CloudError, settle: boolean) => Promise<boolean>;

export interface MutationOptions<R> {
  /** Default: one list, at once (enough when nothing waits for visibility). */
  readonly reconcile?: R;
  /** Runs each request; the apply passes its parallelism limit, so waits between attempts hold no slot. */
  readonly limit?: <T>(call: () => Promise<T>) => Promise<T>;
  /** How long `reconcile` keeps looking when asked to settle (for the message when it saw nothing). */
  readonly settleMs?: number;
}

/** The three operations the action needs, in domain terms. Tests and the engine depend on this only. */
export interface ConnectorApi {
  list(target: Target): Promise<LiveConnector[]>;
  /**
   * Registers a JAR and returns the connectors the platform parsed from it. An ambiguous attempt
   * (the service may have acted) is reconciled before anything else happens, the last attempt
   * included; a "type already exists" after an ambiguous attempt means "look again". When the
   * reconciler finds connectors named `expectedNames`, they are the result.
   */
  register(target: Target, jarUrl: string, expectedNames: readonly string[], options?: MutationOptions<RegisterReconciler>): Promise<readonly LiveConnector[]>;
  /** Deletes a connector; a 404 means it is already gone. Ambiguous attempts are reconciled like a register's. */
  delete(target: Target, name: string, options?: MutationOptions<DeleteReconciler>): Promise<{ tables: TableMeta[]; alreadyGone: boolean }>;
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

/** Validation of a statement against the namespace's registered connectors; read-only. */
export interface ValidationApi {
  /** Retried and classified like every read; an answer that says neither valid nor invalid is `unknown`. */
  validateSql(target: Target, context: SqlContext): Promise<SqlValidation>;
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

/** The runtime's own timers are only a backstop behind `bounded`'s, so they never fire first. */
const RUNTIME_BACKSTOP_MS = 5_000;

const tableOf = (t: WireTable): CatalogTable => ({ name: t.name ?? '', connector: t.properties?.connector });

export function createConnectorApi(options: ConnectorApiOptions): ConnectorApi & UsageApi & ValidationApi {
  // httpx takes `connectTimeout` as the socket's idle timeout as well: connecting and the whole
  // answer are bounded by `bounded` below (request-limit.ts), which also ends the socket.
  const runtime = new $dara.RuntimeOptions({
    readTimeout: options.requestTimeoutMs + RUNTIME_BACKSTOP_MS,
    connectTimeout: options.requestTimeoutMs + RUNTIME_BACKSTOP_MS,
    autoretry: false,
  });
  const sdk = new Ververica(options.config, runtime);
  const { secrets, retry, hooks } = options;

  /** One request, bounded as a whole by `request-timeout`, its failure classified. */
  async function bounded<T>(action: string, target: Target, call: () => Promise<SdkResponse<T>>): Promise<T> {
    return (await boundedBody(action, target, call)).data as T;
  }

  /** The same, answering the whole envelope (paged reads need its counts). */
  async function boundedBody<T>(action: string, target: Target, call: () => Promise<SdkResponse<T>>): Promise<PagedEnvelope<T>> {
    const limit = `${formatDuration(options.requestTimeoutMs)} (request-timeout)`;
    const where = `${action} in ${targetKey(target)}`;
    try {
      const response = await withinLimit(options.requestTimeoutMs, call, (neverConnected) =>
        neverConnected
          ? new CloudError(`${where} failed: could not connect within ${limit}`, 'network', CONNECT_TIMEOUT, action, undefined, undefined, undefined, false)
          : new CloudError(`${where} timed out after ${limit}`, 'timeout', 'RequestTimeout', action),
      );
      const body = response.body;
      if (!body || body.success !== true) throw answerError(action, response.statusCode ?? 200, body as FailedBody | undefined, secrets, { requestId: response.headers?.['x-acs-request-id'] });
      return body;
    } catch (error) {
      throw toCloudError(error, action, secrets);
    }
  }

  const list = async (target: Target): Promise<LiveConnector[]> => {
    const action = 'ListCustomConnectors';
    const data = await withRetry(
      () => bounded(action, target, () => sdk.listCustomConnectors(target.namespace, { workspace: target.workspaceId })),
      (e) => toCloudError(e, action, secrets),
      retry,
      hooks,
    );
    return (data ?? []).map(normalizeConnector);
  };

  /**
   * Runs a mutation until it succeeds or fails for good. After an ambiguous attempt the workspace
   * is looked at once: seen, it is done; not seen, it is retried at once (a service that did not
   * act costs a list, not a wait). Only when no retry is left, or a retry is refused as "already
   * exists" (which only an earlier attempt explains), does the look last the settle window.
   */
  async function mutate<T, S>(
    action: string,
    attempt: (afterUnclear: boolean) => Promise<T>,
    settle: (error: CloudError, wait: boolean) => Promise<S | undefined>,
    limit: <U>(call: () => Promise<U>) => Promise<U>,
    done: (settled: S) => T,
    notSeen: string,
    settleMs: number | undefined,
  ): Promise<T> {
    const looked = settleMs === undefined ? 'checked the workspace' : `checked the workspace for up to ${formatDuration(settleMs)}`;
    let unclear = false;
    for (let n = 1; ; n++) {
      let error: CloudError;
      try {
        return await limit(() => attempt(unclear));
      } catch (raw) {
        error = toCloudError(raw, action, secrets);
      }
      const delay = retryDelay(error, n, retry, hooks.random);
      const refusedAfterUnclear = unclear && error.alreadyExists;
      if (error.ambiguous || refusedAfterUnclear) {
        unclear = true;
        const wait = refusedAfterUnclear || delay === undefined;
        const settled = await settle(error, wait).catch(() => undefined);
        if (settled !== undefined) return done(settled);
        if (wait) throw new CloudError(`${error.message}; ${looked}: ${notSeen}`, error.kind, error.code, action, error.statusCode, error.requestId);
      }
      if (delay === undefined) throw error;
      hooks.onRetry?.(error, n, delay);
      await hooks.sleep(delay);
    }
  }

  const direct = <U>(call: () => Promise<U>): Promise<U> => call();
  const ws = (target: Target): { workspace: string } => ({ workspace: target.workspaceId });
  /** A read: retried like the list. */
  const read = <T>(action: string, target: Target, call: () => Promise<SdkResponse<T>>): Promise<PagedEnvelope<T>> =>
    withRetry(() => boundedBody(action, target, call), (e) => toCloudError(e, action, secrets), retry, hooks);

  return {
    list,

    async listDeployments(target, pageIndex, pageSize) {
      const body = await read('ListDeployments', target, () => sdk.listDeployments(target.namespace, { pageIndex, pageSize }, ws(target)));
      const deployments = body.data ?? [];
      return { deployments, totalSize: typeof body.totalSize === 'number' ? body.totalSize : deployments.length };
    },

    async getCatalogs(target) {
      const { data } = await read('GetCatalogs', target, () => sdk.getCatalogs(target.namespace, ws(target)));
      return (data ?? []).map((c) => c.name ?? '').filter((n) => n !== '');
    },

    async getDatabases(target, catalog) {
      const { data } = await read('GetDatabases', target, () => sdk.getDatabases(target.namespace, catalog, ws(target)));
      return (data ?? []).map((d) => d.name ?? '').filter((n) => n !== '');
    },

    async getTables(target, catalog, database) {
      const { data } = await read('GetTables', target, () => sdk.getTables(target.namespace, catalog, database, ws(target)));
      return (data ?? []).map(tableOf);
    },

    async validateSql(target, context) {
      const { data } = await read('ValidateSqlStatement', target, () => sdk.validateSqlStatement(target.namespace, context, ws(target)));
      return interpretValidation(data);
    },

    register(target, jarUrl, expectedNames, mutation = {}) {
      const action = 'RegisterCustomConnector';
      const lookOnce: RegisterReconciler = async () => {
        const found = (await list(target)).filter((c) => expectedNames.includes(c.name));
        return found.length > 0 ? found : undefined;
      };
      const reconcile = mutation.reconcile ?? lookOnce;
      return mutate(
        action,
        async () => ((await bounded<WireConnector[]>(action, target, () => sdk.registerCustomConnector(target.namespace, { jarUrl }, { workspace: target.workspaceId }))) ?? []).map(normalizeConnector),
        async (error, wait) => {
          const found = await reconcile(error, wait);
          return found && found.length > 0 ? found : undefined;
        },
        mutation.limit ?? direct,
        (found) => found,
        `${expectedNames.join(', ')} ${expectedNames.length === 1 ? 'was' : 'were'} not listed`,
        mutation.reconcile ? mutation.settleMs : undefined,
      );
    },

    delete(target, name, mutation = {}) {
      const action = 'DeleteCustomConnector';
      const lookOnce: DeleteReconciler = async () => !(await list(target)).some((c) => c.name === name);
      const reconcile = mutation.reconcile ?? lookOnce;
      return mutate(
        action,
        async (afterUnclear) => {
          try {
            const data = await bounded<TableMeta[]>(action, target, () => sdk.deleteCustomConnector(target.namespace, name, { workspace: target.workspaceId }));
            return { tables: (data ?? []).map((t) => ({ catalogName: t.catalogName ?? '', databaseName: t.databaseName ?? '', tableName: t.tableName ?? '' })), alreadyGone: false };
          } catch (error) {
            // After an unclear attempt, a 404 is most likely that attempt's own work.
            if (error instanceof CloudError && error.statusCode === 404) return { tables: [], alreadyGone: !afterUnclear };
            throw error;
          }
        },
        async (error, wait) => ((await reconcile(error, wait)) ? true : undefined),
        mutation.limit ?? direct,
        () => ({ tables: [], alreadyGone: false }),
        `${name} was still listed`,
        mutation.reconcile ? mutation.settleMs : undefined,
      );
    },
  };
}
