/**
 * A complete local world for end-to-end tests: the workspace emulator, the GitHub fake, and a
 * temporary repository checkout with definition files.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadCatalogFile } from '../../src/emulator/catalog.js';
import { type GitHubFakeHandle, type GitHubFakeOptions, startGitHubFake } from '../../src/emulator/github-fake.js';
import { type EmulatorHandle, startEmulator } from '../../src/emulator/server.js';
import { afterEach, beforeEach } from 'vitest';
import { PROJECT_ROOT, type RunOptions, type RunResult, runAction } from '../../scripts/local-runner.js';

export const ACCESS_KEY_ID = 'LTAI5tE2eTestKeyId';
export const ACCESS_KEY_SECRET = 'e2e-Secret-Value-9f8e7d6c5b4a';
export const GITHUB_TOKEN = 'ghs_e2eTokenValue1234567890abcdef';
export const OWNER = 'acme';
export const REPO = 'pipelines';
export const WS = 'ws-e2e';
export const NS = 'default';

export const JARS = {
  kafkaV1: 'oss://flink-artifacts/connectors/kafka-orders-1.0.0.jar',
  kafkaV2: 'oss://flink-artifacts/connectors/kafka-orders-2.0.0.jar',
  redis: 'oss://flink-artifacts/connectors/redis-sink-1.2.0.jar',
  http: 'https://artifacts.example.com/flink/http-lookup-0.3.1.jar',
  mysql: 'oss://flink-artifacts/connectors/mysql-cdc-2.4.2.jar',
  s3: 'oss://flink-artifacts/connectors/s3-archive-sink-1.0.0.jar',
  pulsar: 'oss://flink-artifacts/connectors/pulsar-events-3.0.0.jar',
  clickhouse: 'oss://flink-artifacts/connectors/clickhouse-bundle-1.0.0.jar',
};

export interface World {
  readonly emulator: EmulatorHandle;
  readonly github: GitHubFakeHandle;
  readonly repo: string;
  write(files: Record<string, string>): Promise<void>;
  remove(path: string): Promise<void>;
  plan(options?: Partial<RunOptions> & { pr?: number; inputs?: Record<string, string> }): Promise<RunResult>;
  apply(options?: Partial<RunOptions> & { inputs?: Record<string, string> }): Promise<RunResult>;
  close(): Promise<void>;
}

export function prPayload(number: number, sha = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', fork = false): Record<string, unknown> {
  return {
    action: 'synchronize',
    number,
    pull_request: {
      number,
      head: { sha, ref: 'feature', repo: { full_name: fork ? 'someone/pipelines' : `${OWNER}/${REPO}` } },
      base: { sha: 'b'.repeat(40), ref: 'main', repo: { full_name: `${OWNER}/${REPO}` } },
    },
    repository: { full_name: `${OWNER}/${REPO}`, default_branch: 'main', name: REPO, owner: { login: OWNER } },
  };
}

/** A push of the default branch from `before` to `sha`. */
export function pushPayload(sha: string, before = 'c'.repeat(40)): Record<string, unknown> {
  return {
    ref: 'refs/heads/main',
    before,
    after: sha,
    repository: { full_name: `${OWNER}/${REPO}`, default_branch: 'main', name: REPO, owner: { login: OWNER } },
  };
}

export interface WorldOptions {
  readonly visibilityDelayMs?: number;
  readonly latencyMs?: number;
  /**
   * The key pair the emulator accepts (default: ACCESS_KEY_ID/SECRET, also given as inputs). With
   * a security token the key is an STS one, and no access-key input is given: the run must sign in.
   */
  readonly key?: { readonly accessKeyId: string; readonly accessKeySecret: string; readonly securityToken: string };
  /** The GitHub fake's options (e.g. the identity of the token); the token is always GITHUB_TOKEN. */
  readonly github?: Omit<GitHubFakeOptions, 'token'>;
  /**
   * Applies pass `allow-unreviewed-changes: true` unless this is set: most tests are about what an
   * apply does, not about the review that precedes it (the review tests set it).
   */
  readonly checkReview?: boolean;
  /** Extra inputs and environment for every run (e.g. keyless sign-in). */
  readonly inputs?: Record<string, string>;
  readonly env?: Record<string, string>;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const { catalog, tables } = await loadCatalogFile(join(PROJECT_ROOT, '__fixtures__/catalog/catalog.yaml'));
  const key = options.key;
  const emulator = await startEmulator({
    accessKeys: key ? { [key.accessKeyId]: key.accessKeySecret } : { [ACCESS_KEY_ID]: ACCESS_KEY_SECRET },
    securityTokens: key ? { [key.accessKeyId]: key.securityToken } : undefined,
    catalog,
    tables: { ...tables },
    visibilityDelayMs: options.visibilityDelayMs,
    latencyMs: options.latencyMs,
  });
  const github = await startGitHubFake({ ...options.github, token: GITHUB_TOKEN });
  const repo = await mkdtemp(join(tmpdir(), 'fca-repo-'));

  const baseInputs = (): Record<string, string> => ({
    endpoint: emulator.url,
    ...(key ? {} : { 'access-key-id': ACCESS_KEY_ID, 'access-key-secret': ACCESS_KEY_SECRET }),
    'workspace-id': WS,
    namespace: NS,
    timeout: '20s',
    ...options.inputs,
  });

  return {
    emulator,
    github,
    repo,
    async write(files) {
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(repo, path)), { recursive: true });
        await writeFile(join(repo, path), content);
      }
    },
    async remove(path) {
      await rm(join(repo, path), { force: true });
    },
    plan(opts = {}) {
      const pr = opts.pr ?? 7;
      return runAction({
        workspace: repo,
        eventName: 'pull_request',
        payload: prPayload(pr),
        apiUrl: github.url,
        githubToken: GITHUB_TOKEN,
        repository: `${OWNER}/${REPO}`,
        ref: `refs/pull/${pr}/merge`,
        ...opts,
        env: { ...options.env, ...opts.env },
        inputs: { ...baseInputs(), ...opts.inputs },
      });
    },
    apply(opts = {}) {
      const sha = opts.sha ?? 'd'.repeat(40);
      // The commit an apply runs for is on the default branch, as GitHub would know it (a merge
      // recorded with `merge` already is; anything else is a direct push).
      github.pushCommits(OWNER, REPO, [{ sha, message: 'Update connectors' }]);
      return runAction({
        workspace: repo,
        eventName: 'push',
        payload: pushPayload(sha),
        apiUrl: github.url,
        githubToken: GITHUB_TOKEN,
        repository: `${OWNER}/${REPO}`,
        ref: 'refs/heads/main',
        sha,
        ...opts,
        env: { ...options.env, ...opts.env },
        inputs: { ...baseInputs(), ...(options.checkReview ? {} : { 'allow-unreviewed-changes': 'true' }), ...opts.inputs },
      });
    },
    async close() {
      await Promise.all([emulator.close(), github.close(), rm(repo, { recursive: true, force: true })]);
    },
  };
}

/** A definition file of one connector, in the single-document form. */
/** A fresh world for every test of the calling file (handed to `use`), closed after the test. */
export function worldPerTest(options: WorldOptions, use: (world: World) => void): void {
  let current: World | undefined;
  beforeEach(async () => {
    current = await startWorld(options);
    use(current);
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
}

export function connectorYaml(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`)
    .join('\n') + '\n';
}
