/**
 * `npm run sandbox -- --dir DIR` from a clone of this repository: DIR is meant from where the
 * command was typed, not from the package folder npm runs the script in.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../scripts/local-runner.js';

const scratches: string[] = [];

afterAll(async () => {
  await Promise.all(scratches.map((dir) => rm(dir, { recursive: true, force: true })));
});

function npm(args: readonly string[], cwd: string): Promise<{ code: number | null; output: string }> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(INPUT_|GITHUB_|GH_|ALIBABA_CLOUD_|ALICLOUD_|ACTIONS_|RUNNER_|INIT_CWD$|npm_)/.test(key)) continue;
    env[key] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn('npm', [...args], { cwd, env: { ...env, npm_config_loglevel: 'error' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('npm run sandbox', () => {
  it('plans a repository given relative to where it was typed', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'fca-npm-sandbox-'));
    scratches.push(scratch);
    await mkdir(join(scratch, 'my-repo', 'connectors'), { recursive: true });
    await writeFile(
      join(scratch, 'my-repo', 'connectors', 'orders.yaml'),
      'connector_name: orders\nconnector_type: orders-kafka\njar_url: oss://my-bucket/orders-kafka-1.0.0.jar\nworkspace_id: ws-mine\nnamespace_name: dev\nsource: true\n',
    );

    const ran = await npm(['--prefix', PROJECT_ROOT, 'run', 'sandbox', '--', '--dir', 'my-repo'], scratch);
    expect(ran.code, ran.output).toBe(0);
    expect(ran.output).toContain('Plan: 1 to register, 0 to replace, 0 to delete.');
    expect(ran.output).toContain('posted the plan comment');
  }, 60_000);
});
