/**
 * The local world of a keyless sign-in: a GitHub ID-token issuer, an STS over TLS with a
 * throwaway CA, and a workspace emulator that accepts only the STS key pair STS hands out.
 */
import https from 'node:https';
import type { RequestOptions } from 'node:https';
import { GITHUB_ISSUER, type IdTokenIssuerHandle, startIdTokenIssuer } from '../../src/emulator/id-token.js';
import { type EmulatorHandle, startEmulator } from '../../src/emulator/server.js';
import { type StsCredentials, type StsEmulatorHandle, startStsEmulator } from '../../src/emulator/sts.js';
import { createTestCertificates, type TestCertificates } from '../../src/emulator/test-ca.js';

export const ACCOUNT = '1234567890123456';
export const PROVIDER_ARN = `acs:ram::${ACCOUNT}:oidc-provider/github-actions`;
export const WRITE_ROLE_ARN = `acs:ram::${ACCOUNT}:role/flink-connectors-apply`;
export const READ_ROLE_ARN = `acs:ram::${ACCOUNT}:role/flink-connectors-plan`;
export const AUDIENCE = 'sts.aliyuncs.com';
export const REPOSITORY = 'acme/pipelines';
export const REQUEST_TOKEN = 'actions-request-token-0123456789abcdef';
export const WS = 'ws-oidc';
export const NS = 'default';

/** What STS hands out, chosen up front so the workspace emulator can be configured before any exchange. */
export const STS_KEY: Omit<StsCredentials, 'expiration'> = {
  accessKeyId: 'STS.NUgYrLnoC37mZZCNnAbezOidcTest',
  accessKeySecret: 'sts-Secret-Value-1a2b3c4d5e6f7a8b9c0d',
  securityToken: 'CAIS-test-security-token-Zm9vYmFyYmF6cXV4',
};

/** Every variable through which the credentials library could pick up another identity. */
export const ALIBABA_ENV = [
  'ALIBABA_CLOUD_ACCESS_KEY_ID',
  'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  'ALIBABA_CLOUD_SECURITY_TOKEN',
  'ALICLOUD_ACCESS_KEY',
  'ALICLOUD_SECRET_KEY',
  'ALIBABA_CLOUD_ROLE_ARN',
  'ALIBABA_CLOUD_OIDC_PROVIDER_ARN',
  'ALIBABA_CLOUD_OIDC_TOKEN_FILE',
  'ALIBABA_CLOUD_ROLE_SESSION_NAME',
  'ALIBABA_CLOUD_STS_REGION',
  'ALIBABA_CLOUD_CREDENTIALS_FILE',
  'ALIBABA_CLOUD_PROFILE',
  'ALIBABA_CLOUD_ECS_METADATA',
  'ALIBABA_CLOUD_CREDENTIALS_URI',
] as const;

export interface OidcWorld {
  readonly certs: TestCertificates;
  readonly issuer: IdTokenIssuerHandle;
  readonly sts: StsEmulatorHandle;
  readonly workspace: EmulatorHandle;
  /** Every set of credentials STS handed out. */
  readonly issued: StsCredentials[];
  /** Runs while STS holds a token, before it answers: a window into the client's state mid-exchange. */
  duringExchange?: () => void;
  close(): Promise<void>;
}

/** The identity side of keyless sign-in: a GitHub ID-token issuer and an STS over TLS. */
export async function startIdentityServers(hooks: { onToken?: (jwt: string) => void; onIssue?: (credentials: StsCredentials) => void } = {}): Promise<{
  certs: TestCertificates;
  issuer: IdTokenIssuerHandle;
  sts: StsEmulatorHandle;
}> {
  const certs = createTestCertificates();
  const issuer = await startIdTokenIssuer({ requestToken: REQUEST_TOKEN, claims: { repository: REPOSITORY, ref: 'refs/heads/main' } });
  const sts = await startStsEmulator({
    tls: { key: certs.key, cert: certs.cert },
    trustedProviders: { [PROVIDER_ARN]: { issuer: GITHUB_ISSUER, audience: [AUDIENCE] } },
    roles: {
      [WRITE_ROLE_ARN]: { providerArn: PROVIDER_ARN, subjectPattern: `repo:${REPOSITORY}:ref:refs/heads/main` },
      [READ_ROLE_ARN]: { providerArn: PROVIDER_ARN, subjectPattern: `repo:${REPOSITORY}:*` },
    },
    verifyToken: (jwt) => {
      hooks.onToken?.(jwt);
      return issuer.verify(jwt);
    },
    issue: () => STS_KEY,
    onIssue: hooks.onIssue,
  });
  return { certs, issuer, sts };
}

export async function startOidcWorld(): Promise<OidcWorld> {
  const issued: StsCredentials[] = [];
  const { certs, issuer, sts } = await startIdentityServers({ onToken: () => world.duringExchange?.(), onIssue: (credentials) => issued.push(credentials) });
  const workspace = await startEmulator({
    accessKeys: { [STS_KEY.accessKeyId]: STS_KEY.accessKeySecret },
    securityTokens: { [STS_KEY.accessKeyId]: STS_KEY.securityToken },
    catalog: {},
  });
  workspace.seed(WS, NS, [
    {
      name: 'kafka-orders',
      type: 'kafka-orders',
      source: true,
      sink: true,
      lookup: false,
      properties: [],
      supportedFormats: ['json'],
      dependencies: [],
    },
  ]);
  const world: OidcWorld = {
    certs,
    issuer,
    sts,
    workspace,
    issued,
    close: async () => {
      await Promise.all([issuer.close(), sts.close(), workspace.close()]);
    },
  };
  return world;
}

/** Sets and deletes environment variables; returns the function that puts them back. */
export function patchEnv(changes: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(changes).map((key) => [key, process.env[key]]));
  const apply = (values: Record<string, string | undefined>): void => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(changes);
  return () => apply(saved);
}

/**
 * Makes HTTPS requests of this process trust `caCert`, the in-process counterpart of
 * `NODE_EXTRA_CA_CERTS` (which Node reads only at start-up). The credentials library's HTTP
 * helper calls `https.request(options)` with `ca: ''`; only such loopback requests are changed.
 * Returns the function that undoes it.
 */
export function trustCaInProcess(caCert: string): () => void {
  const original = https.request;
  const patched = function (this: unknown, ...args: unknown[]) {
    const [options] = args;
    if (typeof options === 'object' && options !== null && !(options instanceof URL)) {
      const opts = options as RequestOptions;
      if (!opts.ca && (opts.host === '127.0.0.1' || opts.hostname === '127.0.0.1')) args[0] = { ...opts, ca: caCert };
    }
    return (original as (...a: unknown[]) => ReturnType<typeof https.request>).apply(https, args);
  };
  https.request = patched as typeof https.request;
  return () => {
    https.request = original;
  };
}
