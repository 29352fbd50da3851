/**
 * A world for running the bundle with keyless sign-in only: a GitHub ID-token issuer, an STS
 * over TLS (throwaway CA, trusted by the child through NODE_EXTRA_CA_CERTS), a workspace emulator
 * that knows the catalog's JARs and accepts only the STS key pair, the GitHub fake, and a
 * temporary checkout. It keeps every ID token STS was shown, so tests can look for it in logs.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadCatalogFile } from '../../src/emulator/catalog.js';
import { type GitHubFakeHandle, startGitHubFake } from '../../src/emulator/github-fake.js';
import { GITHUB_ISSUER, type IdTokenIssuerHandle, startIdTokenIssuer } from '../../src/emulator/id-token.js';
import { type EmulatorHandle, startEmulator } from '../../src/emulator/server.js';
import { type StsEmulatorHandle, startStsEmulator } from '../../src/emulator/sts.js';
import { createTestCertificates } from '../../src/emulator/test-ca.js';
import { PROJECT_ROOT, type RunResult, runAction } from '../../scripts/local-runner.js';
import { AUDIENCE, PROVIDER_ARN, READ_ROLE_ARN, REPOSITORY, REQUEST_TOKEN, STS_KEY, WRITE_ROLE_ARN } from '../oidc/setup.js';
import { GITHUB_TOKEN, NS, OWNER, REPO, WS, prPayload, pushPayload } from './world.js';

export { PROVIDER_ARN, READ_ROLE_ARN, REQUEST_TOKEN, STS_KEY, WRITE_ROLE_ARN };

export interface KeylessWorld {
  readonly emulator: EmulatorHandle;
  readonly github: GitHubFakeHandle;
  readonly sts: StsEmulatorHandle;
  readonly issuer: IdTokenIssuerHandle;
  /** Every ID token STS received, in order. */
  readonly idTokens: string[];
  readonly repo: string;
  write(files: Record<string, string>): Promise<void>;
  /** A pull-request plan signed in with `role` (default: the read-only role). */
  plan(options?: { role?: string; inputs?: Record<string, string>; pr?: number }): Promise<RunResult>;
  /** A push to main, signed in with `role` (default: the apply role). */
  apply(options?: { role?: string; inputs?: Record<string, string>; sha?: string }): Promise<RunResult>;
  close(): Promise<void>;
}

export async function startKeylessWorld(): Promise<KeylessWorld> {
  const certs = createTestCertificates();
  const idTokens: string[] = [];
  const issuer = await startIdTokenIssuer({ requestToken: REQUEST_TOKEN, claims: { repository: REPOSITORY, ref: 'refs/heads/main' } });
  const sts = await startStsEmulator({
    tls: { key: certs.key, cert: certs.cert },
    trustedProviders: { [PROVIDER_ARN]: { issuer: GITHUB_ISSUER, audience: [AUDIENCE] } },
    roles: {
      [WRITE_ROLE_ARN]: { providerArn: PROVIDER_ARN, subjectPattern: `repo:${REPOSITORY}:ref:refs/heads/main` },
      [READ_ROLE_ARN]: { providerArn: PROVIDER_ARN, subjectPattern: `repo:${REPOSITORY}:*` },
    },
    verifyToken: (jwt) => {
      idTokens.push(jwt);
      return issuer.verify(jwt);
    },
    issue: () => STS_KEY,
  });
  const { catalog, tables } = await loadCatalogFile(join(PROJECT_ROOT, '__fixtures__/catalog/catalog.yaml'));
  const emulator = await startEmulator({
    accessKeys: { [STS_KEY.accessKeyId]: STS_KEY.accessKeySecret },
    securityTokens: { [STS_KEY.accessKeyId]: STS_KEY.securityToken },
    catalog,
    tables: { ...tables },
  });
  const github = await startGitHubFake({ token: GITHUB_TOKEN });
  const repo = await mkdtemp(join(tmpdir(), 'fca-keyless-'));
  const caFile = join(repo, '..', `${repo.split('/').pop() ?? 'x'}-ca.pem`);
  await writeFile(caFile, certs.caCert);

  const inputs = (role: string, extra: Record<string, string> = {}): Record<string, string> => ({
    endpoint: emulator.url,
    'workspace-id': WS,
    namespace: NS,
    'role-arn': role,
    'oidc-provider-arn': PROVIDER_ARN,
    'sts-endpoint': sts.endpoint,
    'request-timeout': '5s',
    timeout: '10s',
    ...extra,
  });
  // No ALIBABA_CLOUD_* variable reaches the child (the runner strips them); only what a runner
  // with `permissions: id-token: write` provides, plus the CA of the local STS.
  const env = (): Record<string, string> => ({
    NODE_EXTRA_CA_CERTS: caFile,
    ACTIONS_ID_TOKEN_REQUEST_URL: issuer.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
  });

  return {
    emulator,
    github,
    sts,
    issuer,
    idTokens,
    repo,
    async write(files) {
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(repo, path)), { recursive: true });
        await writeFile(join(repo, path), content);
      }
    },
    plan(opts = {}) {
      const pr = opts.pr ?? 11;
      return runAction({
        workspace: repo,
        eventName: 'pull_request',
        payload: prPayload(pr),
        apiUrl: github.url,
        githubToken: GITHUB_TOKEN,
        repository: `${OWNER}/${REPO}`,
        ref: `refs/pull/${pr}/merge`,
        inputs: inputs(opts.role ?? READ_ROLE_ARN, opts.inputs),
        env: env(),
        killAfterMs: 60_000,
      });
    },
    apply(opts = {}) {
      const sha = opts.sha ?? 'd'.repeat(40);
      return runAction({
        workspace: repo,
        eventName: 'push',
        payload: pushPayload(sha),
        apiUrl: github.url,
        githubToken: GITHUB_TOKEN,
        repository: `${OWNER}/${REPO}`,
        ref: 'refs/heads/main',
        sha,
        inputs: inputs(opts.role ?? WRITE_ROLE_ARN, opts.inputs),
        env: env(),
        killAfterMs: 60_000,
      });
    },
    async close() {
      await Promise.all([issuer.close(), sts.close(), emulator.close(), github.close()]);
      await Promise.all([rm(repo, { recursive: true, force: true }), rm(caFile, { force: true })]);
    },
  };
}
