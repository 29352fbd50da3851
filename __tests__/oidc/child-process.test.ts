/**
 * The sign-in in a separate Node process, as `node dist/index.js` runs: the test CA is trusted
 * through NODE_EXTRA_CA_CERTS only, and the environment holds no Alibaba Cloud variable at all.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIENCE, NS, PROVIDER_ARN, REQUEST_TOKEN, WRITE_ROLE_ARN, WS, type OidcWorld, startOidcWorld } from './setup.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./child-sign-in.ts', import.meta.url));

let world: OidcWorld;
let dir: string;
let caFile: string;

beforeAll(async () => {
  world = await startOidcWorld();
  dir = await mkdtemp(join(tmpdir(), 'oidc-child-'));
  caFile = join(dir, 'ca.pem');
  await writeFile(caFile, world.certs.caCert);
});

afterAll(async () => {
  await world.close();
  await rm(dir, { recursive: true, force: true });
});

/** The parent's environment minus every Alibaba Cloud variable, plus `extra`. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(ALIBABA_CLOUD_|ALICLOUD_|NODE_EXTRA_CA_CERTS$)/.test(key)));
  return { ...env, ...extra };
}

// Spawned asynchronously: the servers answering it live in this process.
function run(env: NodeJS.ProcessEnv): Promise<{ result: { names?: string[]; error?: string }; stdout: string }> {
  const args = JSON.stringify({
    oidc: { roleArn: WRITE_ROLE_ARN, oidcProviderArn: PROVIDER_ARN, roleSessionName: 'github-actions-child', audience: AUDIENCE, stsEndpoint: world.sts.endpoint },
    workspaceEndpoint: world.workspace.endpoint,
    workspaceId: WS,
    namespace: NS,
  });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) reject(new Error(`no result from the child process:\n${stdout}\n${stderr}`));
      else resolve({ result: JSON.parse(line.slice('RESULT '.length)) as { names?: string[]; error?: string }, stdout });
    });
  });
}

const tokenEnv = (): Record<string, string> => ({
  ACTIONS_ID_TOKEN_REQUEST_URL: world.issuer.requestUrl,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
});

it('signs in and lists connectors when the CA comes from NODE_EXTRA_CA_CERTS', async () => {
  const issuedBefore = world.issued.length;
  const { result, stdout } = await run(childEnv({ ...tokenEnv(), NODE_EXTRA_CA_CERTS: caFile }));
  expect(result).toEqual({ names: ['kafka-orders'] });
  expect(world.issued.length).toBe(issuedBefore + 1);
  expect(stdout).toContain('::add-mask::');
});

it('refuses an STS whose certificate the process does not trust', async () => {
  const { result } = await run(childEnv(tokenEnv()));
  expect(result.error).toContain('AssumeRoleWithOIDC at https://');
  expect(result.error).toMatch(/certificate/i);
});
