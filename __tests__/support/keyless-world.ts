/**
 * A world for running the bundle with keyless sign-in only: the usual world (workspace emulator
 * with the catalog's JARs, GitHub fake, temporary checkout) whose emulator accepts only the STS
 * key pair, plus a GitHub ID-token issuer and an STS over TLS (throwaway CA, trusted by the child
 * through NODE_EXTRA_CA_CERTS). It keeps every ID token STS was shown, so tests can look for it.
 */
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IdTokenIssuerHandle } from '../../src/emulator/id-token.js';
import type { StsEmulatorHandle } from '../../src/emulator/sts.js';
import type { RunResult } from '../../scripts/local-runner.js';
import { PROVIDER_ARN, READ_ROLE_ARN, REQUEST_TOKEN, STS_KEY, WRITE_ROLE_ARN, startIdentityServers } from '../oidc/setup.js';
import { GITHUB_TOKEN, type World, startWorld } from './world.js';

export { PROVIDER_ARN, READ_ROLE_ARN, REQUEST_TOKEN, STS_KEY, WRITE_ROLE_ARN };

export interface KeylessWorld extends Omit<World, 'plan' | 'apply'> {
  readonly sts: StsEmulatorHandle;
  readonly issuer: IdTokenIssuerHandle;
  /** Every ID token STS received, in order. */
  readonly idTokens: string[];
  /** Every secret of a keyless run, by name, for scanning what the action wrote. */
  secrets(): Record<string, string>;
  /** A pull-request plan signed in with `role` (default: the read-only role). */
  plan(options?: { role?: string; inputs?: Record<string, string>; pr?: number }): Promise<RunResult>;
  /** A push to main, signed in with `role` (default: the apply role). */
  apply(options?: { role?: string; inputs?: Record<string, string>; sha?: string }): Promise<RunResult>;
}

export async function startKeylessWorld(): Promise<KeylessWorld> {
  const idTokens: string[] = [];
  const { certs, issuer, sts } = await startIdentityServers({ onToken: (jwt) => idTokens.push(jwt) });
  const caFile = join(tmpdir(), `fca-keyless-ca-${process.pid}-${Date.now()}.pem`);
  await writeFile(caFile, certs.caCert);
  const world = await startWorld({
    key: STS_KEY,
    inputs: { 'oidc-provider-arn': PROVIDER_ARN, 'sts-endpoint': sts.endpoint, 'request-timeout': '5s', timeout: '10s' },
    // No ALIBABA_CLOUD_* variable reaches the child (the runner strips them); only what a runner
    // with `permissions: id-token: write` provides, plus the CA of the local STS.
    env: { NODE_EXTRA_CA_CERTS: caFile, ACTIONS_ID_TOKEN_REQUEST_URL: issuer.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN },
  });

  return {
    ...world,
    sts,
    issuer,
    idTokens,
    secrets: () => ({
      'STS AccessKeySecret': STS_KEY.accessKeySecret,
      'STS SecurityToken': STS_KEY.securityToken,
      'ID-token request token': REQUEST_TOKEN,
      'GitHub token': GITHUB_TOKEN,
      ...Object.fromEntries(idTokens.map((t, i) => [`ID token #${i + 1}`, t])),
    }),
    plan: (opts = {}) => world.plan({ pr: opts.pr ?? 11, inputs: { 'role-arn': opts.role ?? READ_ROLE_ARN, ...opts.inputs }, killAfterMs: 60_000 }),
    apply: (opts = {}) => world.apply({ sha: opts.sha, inputs: { 'role-arn': opts.role ?? WRITE_ROLE_ARN, ...opts.inputs }, killAfterMs: 60_000 }),
    async close() {
      await Promise.all([issuer.close(), sts.close(), world.close()]);
      await rm(caFile, { force: true });
    },
  };
}
