/**
 * The command line as a user gets it: `npm pack`, installed in an empty directory with no network,
 * run through its `bin` with no GITHUB_* variable set by hand.
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import * as yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../src/emulator/catalog.js';
import { type EmulatorHandle, startEmulator } from '../../src/emulator/server.js';
import { PROJECT_ROOT } from '../../scripts/local-runner.js';

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a laptop: none of the runner's variables, no cloud credentials. */
function laptopEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(INPUT_|GITHUB_|GH_|ALIBABA_CLOUD_|ALICLOUD_|ACTIONS_|RUNNER_|NO_COLOR|CI$)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** Spawns asynchronously: the emulator in this process must stay able to answer. */
function exec(command: string, args: readonly string[], cwd: string, env: Record<string, string> = laptopEnv()): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The fixture folders sit inside this repository's checkout, whose top the commands would otherwise use. */
const HERE = ['--root', '.'];

let scratch: string;
let bin: string;
let binDir: string;
const cli = (args: readonly string[], cwd: string, env?: Record<string, string>): Promise<Ran> => exec(bin, args, cwd, env);

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'fca-cli-'));
  const packed = await exec('npm', ['pack', '--pack-destination', scratch, '--json'], PROJECT_ROOT, laptopEnv({ npm_config_loglevel: 'error' }));
  expect(packed.code, packed.stderr).toBe(0);
  const filename = (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0]?.filename ?? '';
  const home = join(scratch, 'home');
  await mkdir(home);
  const installed = await exec('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(scratch, filename)], home);
  expect(installed.code, installed.stderr).toBe(0);
  binDir = join(home, 'node_modules', '.bin');
  bin = join(binDir, 'flink-connectors');
}, 180_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('the packed command line', () => {
  it('installs without dependencies and has --help on every command', async () => {
    expect(await readdir(join(scratch, 'home', 'node_modules'))).toEqual(expect.not.arrayContaining(['@actions', 'commander']));
    const top = await cli(['--help'], scratch);
    expect(top.code).toBe(0);
    for (const command of ['validate', 'plan', 'apply', 'export', 'sandbox']) {
      expect(top.stdout).toContain(command);
      const help = await cli([command, '--help'], scratch);
      expect(help.code, command).toBe(0);
      expect(help.stdout).toContain(`Usage: flink-connectors ${command}`);
    }
    expect((await cli(['plan', '--help'], scratch)).stdout).toContain('--workspace-id <value>');
  });

  it('validates good files (exit 0) and reports bad ones as file:line:col (exit 1)', async () => {
    const good = await cli(['validate', ...HERE, '--workspace-id', 'ws-1', '--namespace', 'default'], join(PROJECT_ROOT, '__fixtures__/definitions/good'));
    expect(good.code, good.stdout).toBe(0);
    expect(good.stdout).toContain('connector definition(s) are valid');
    expect(good.stdout).not.toContain('::');

    const one = await cli(['validate', ...HERE, 'connectors/streaming/kafka-orders.yaml'], join(PROJECT_ROOT, 'examples'));
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('1 file(s), 1 connector(s), 0 error(s)');

    const bad = await cli(['validate', ...HERE], join(PROJECT_ROOT, '__fixtures__/definitions/bad'));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^connectors\/many-errors\.yaml:\d+:\d+: \S/m);
    expect(bad.stdout).toMatch(/^connectors\/dup-second\.yaml:\d+:\d+: .*kafka/m);
    expect(bad.stdout).not.toContain('::error');

    const annotated = await cli(['validate', ...HERE, 'connectors/many-errors.yaml'], join(PROJECT_ROOT, '__fixtures__/definitions/bad'), laptopEnv({ GITHUB_ACTIONS: 'true' }));
    expect(annotated.code).toBe(1);
    expect(annotated.stdout).toMatch(/^::error title=Invalid connector definition,file=connectors\/many-errors\.yaml,line=\d+,col=\d+::/m);
  });

  it('plans against the emulator with --detailed-exitcode (2, then 0 after apply --yes); apply refuses without --yes', async () => {
    const { catalog, tables } = await loadCatalogFile(join(PROJECT_ROOT, '__fixtures__/catalog/catalog.yaml'));
    const emulator: EmulatorHandle = await startEmulator({ accessKeys: { LTAI5tCliTestKey: 'cli-test-secret' }, catalog, tables: { ...tables } });
    const repo = join(scratch, 'examples');
    try {
      await cp(join(PROJECT_ROOT, 'examples'), repo, { recursive: true });
      const env = laptopEnv({ ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tCliTestKey', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'cli-test-secret' });
      const target = ['--endpoint', emulator.url, '--timeout', '30s'];

      const first = await cli(['plan', ...target, '--detailed-exitcode'], repo, env);
      expect(first.code, first.stdout + first.stderr).toBe(2);
      expect(first.stdout).toContain('Plan: 4 to register, 0 to replace, 0 to delete.');
      expect(first.stdout).toContain('JAR changes and removed files cannot be detected');
      expect(first.stdout).not.toMatch(/^::/m);

      const json = await cli(['plan', ...target, '--json'], repo, env);
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({ summary: { register: 4 }, hasChanges: true });

      emulator.resetStats();
      const refused = await cli(['apply', ...target], repo, env);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toContain('pass --yes');
      expect(refused.stdout).toContain('unreviewed');
      expect(emulator.connectors('ws-demo', 'default')).toEqual([]);
      expect(emulator.stats().total).toBe(0);

      const applied = await cli(['apply', ...target, '--yes'], repo, env);
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
      expect(applied.stdout).toContain('This apply is unreviewed');
      expect(emulator.connectors('ws-demo', 'default').map((c) => c.name).sort()).toEqual(['http-lookup', 'kafka-orders', 'mysql-cdc']);

      const second = await cli(['plan', ...target, '--detailed-exitcode'], repo, env);
      expect(second.code, second.stdout).toBe(0);
      expect(second.stdout).toContain('No changes.');
    } finally {
      await emulator.close();
    }
  });

  it('plays a sandbox on a temporary repository: plan -> apply -> JAR bump -> plan (replace)', async () => {
    const repo = join(scratch, 'my-repo');
    const file = join(repo, 'connectors', 'kafka.yaml');
    await mkdir(join(repo, 'connectors'), { recursive: true });
    const definition = (version: string): string =>
      `connector_name: orders\nconnector_type: orders-kafka\njar_url: oss://my-bucket/orders-kafka-${version}.jar\nworkspace_id: ws-mine\nnamespace_name: dev\nsource: true\n`;
    await writeFile(file, definition('1.0.0'));

    const plan = await cli(['sandbox', '--dir', repo], scratch);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toContain('pull request #1');
    expect(plan.stdout).toContain('Plan: 1 to register, 0 to replace, 0 to delete.');
    expect(plan.stdout).toContain('posted the plan comment');

    const merge = await cli(['sandbox', '--dir', repo, '--as', 'merge'], scratch);
    expect(merge.code, merge.stdout + merge.stderr).toBe(0);
    expect(merge.stdout).toContain('merge of pull request #1');
    expect(merge.stdout).toContain('registered orders in ws-mine/dev');
    expect(merge.stdout).toMatch(/recorded 1 connector\(s\) for ws-mine\/dev/);
    expect(merge.stdout).not.toContain('unreviewed');

    await writeFile(file, definition('1.1.0'));
    const bump = await cli(['sandbox', '--dir', repo], scratch);
    expect(bump.code, bump.stdout + bump.stderr).toBe(0);
    expect(bump.stdout).toContain('pull request #2');
    expect(bump.stdout).toContain('Plan: 0 to register, 1 to replace, 0 to delete.');
    const comment = await readFile(join(repo, '.flink-connectors-sandbox', 'pull-2-comment.md'), 'utf8');
    expect(comment).toContain('orders-kafka-1.1.0.jar');

    const state = JSON.parse(await readFile(join(repo, '.flink-connectors-sandbox', 'state.json'), 'utf8')) as { targets: Array<{ connectors: unknown[] }>; pull: unknown };
    expect(state.targets).toEqual([expect.objectContaining({ workspaceId: 'ws-mine', namespace: 'dev', connectors: [expect.objectContaining({ name: 'orders', source: true })] })]);
    expect(state.pull).toMatchObject({ number: 2, merged: false });
    expect(await readFile(join(repo, '.flink-connectors-sandbox', '.gitignore'), 'utf8')).toBe('*\n');
  });

  it('runs the pre-commit hook entry on fixture files', async () => {
    const hooks = yaml.load(await readFile(join(PROJECT_ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Array<{ id: string; entry: string; files: string; pass_filenames?: boolean }>;
    const hook = hooks.find((h) => h.id === 'flink-connectors-validate');
    expect(hook).toBeDefined();
    const [command = '', ...args] = (hook?.entry ?? '').split(' ');
    const env = laptopEnv({ PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}` });
    const run = (cwd: string, extra: string[] = []): Promise<Ran> => exec(command, [...args, ...extra], cwd, env);
    expect(new RegExp(hook?.files ?? '$^').test('connectors/streaming/kafka-orders.yaml')).toBe(true);

    expect((await run(join(PROJECT_ROOT, 'examples'), HERE)).code).toBe(0);
    expect((await run(join(PROJECT_ROOT, '__fixtures__/definitions/good'), [...HERE, '--workspace-id', 'ws-1', '--namespace', 'default'])).code).toBe(0);
    const bad = await run(join(PROJECT_ROOT, '__fixtures__/definitions/bad'), HERE);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^connectors\/many-errors\.yaml:\d+:\d+: /m);
  });
});
