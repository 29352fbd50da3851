/**
 * Calls the emulator through the real Alibaba Cloud runtime (signing,
 * transport, error mapping), exactly as the generated SDK would.
 */
import OpenApiMod, { $OpenApiUtil } from '@alicloud/openapi-core';
import * as $dara from '@darabonba/typescript';

// CommonJS with `exports.default = Client`: test runners hand over the class,
// plain Node ESM the whole module object.
type ClientClass = typeof OpenApiMod.default;
const OpenApiClient: ClientClass = (OpenApiMod as unknown as { default?: ClientClass }).default ?? (OpenApiMod as unknown as ClientClass);

export type Action = 'ListCustomConnectors' | 'RegisterCustomConnector' | 'DeleteCustomConnector';

export interface Credentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

export interface CallOptions {
  readonly namespace: string;
  /** Omitted from the request when undefined. */
  readonly workspace?: string;
  readonly jarUrl?: string;
  readonly connectorName?: string;
  /** Overrides the pathname the action would use. */
  readonly pathname?: string;
  readonly readTimeoutMs?: number;
}

/** The envelope every 200 response carries. */
export interface Envelope<T = unknown> {
  requestId: string;
  success: boolean;
  httpCode: number;
  errorCode: string;
  errorMessage: string;
  data?: T;
}

/** What the runtime throws for 4xx/5xx. */
export interface RuntimeError extends Error {
  code?: string;
  statusCode?: number;
  retryAfter?: number;
  data?: Record<string, unknown>;
}

export function pathFor(action: Action, namespace: string, connectorName = ''): string {
  const base = `/api/v2/namespaces/${encodeURIComponent(namespace)}/connectors`;
  switch (action) {
    case 'ListCustomConnectors':
      return base;
    case 'RegisterCustomConnector':
      return `${base}%3Aregister`;
    case 'DeleteCustomConnector':
      return `${base}/${encodeURIComponent(connectorName)}`;
  }
}

const METHODS: Record<Action, string> = {
  ListCustomConnectors: 'GET',
  RegisterCustomConnector: 'POST',
  DeleteCustomConnector: 'DELETE',
};

export class RuntimeClient {
  private readonly client: InstanceType<ClientClass>;

  constructor(endpoint: string, credentials: Credentials) {
    this.client = new OpenApiClient(
      new $OpenApiUtil.Config({
        accessKeyId: credentials.accessKeyId,
        accessKeySecret: credentials.accessKeySecret,
        securityToken: credentials.securityToken,
        endpoint,
        protocol: 'http',
      }),
    );
  }

  async call<T = unknown>(action: Action, options: CallOptions): Promise<{ statusCode: number; body: Envelope<T> }> {
    const params = new $OpenApiUtil.Params({
      action,
      version: '2022-07-18',
      protocol: 'HTTP',
      pathname: options.pathname ?? pathFor(action, options.namespace, options.connectorName),
      method: METHODS[action],
      authType: 'AK',
      style: 'ROA',
      reqBodyType: 'json',
      bodyType: 'json',
    });
    const request = new $OpenApiUtil.OpenApiRequest({
      headers: options.workspace === undefined ? {} : { workspace: options.workspace },
      query: options.jarUrl === undefined ? {} : { jarUrl: options.jarUrl },
    });
    const runtime = new $dara.RuntimeOptions({ readTimeout: options.readTimeoutMs ?? 10_000, connectTimeout: 5_000 });
    const response = (await this.client.callApi(params, request, runtime)) as { statusCode: number; body: Envelope<T> };
    return { statusCode: response.statusCode, body: response.body };
  }

  /** The error the call throws; fails the test when it does not throw. */
  async callExpectingError(action: Action, options: CallOptions): Promise<RuntimeError> {
    try {
      await this.call(action, options);
    } catch (error) {
      return error as RuntimeError;
    }
    throw new Error(`${action} was expected to throw`);
  }
}
