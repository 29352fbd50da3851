/**
 * The commands in-process, against the emulator and the GitHub fake: what the packed test does not
 * reach (a terminal's confirmation, the record read and written with --repo, export).
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Io, main } from '../../src/cli/program.js';
import { loadCatalogFile } from '../../src/emulator/catalog.js';
import { type GitHubFakeHandle, startGitHubFake } from '../../src/emulator/github-fake.js';
import { type EmulatorHandle, startEmulator } from '../../src/emulator/server.js';
import { PROJECT_ROOT } from '../../scripts/local-runner.js';

const KEY = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tCmdTestKey', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'cmd-test-secret' };
const TOKEN = 'ghp_cliCommandsTest';

let emulator: EmulatorHandle;
let github: GitHubFakeHandle;
let scratch: string;

beforeAll(async () => {
  const { catalog, tables } = await loadCatalogFile(join(PROJECT_ROOT, '__fixtures__/catalog/catalog.yaml'));
  emulator = await startEmulator({ accessKeys: { [KEY.ALIBABA_CLOUD_ACCESS_KEY_ID]: KEY.ALIBABA_CLOUD_ACCESS_KEY_SECRET }, catalog, tables: { ...tables } });
  github = await startGitHubFake({ token: TOKEN });
  scratch = await mkdtemp(join(tmpdir(), 'fca-cmd-'));
  // The Alibaba Cloud credential chain reads the process environment itself.
  Object.assign(process.env, KEY);
});

afterAll(async () => {
  for (const name of Object.keys(KEY)) delete process.env[name];
  await Promise.all([emulator.close(), github.close(), rm(scratch, { recursive: true, force: true })]);
});

/** A checkout of examples/ in a new namespace of the emulator, committed so the record has a commit. */
async function checkout(name: string, namespace: string): Promise<string> {
  const dir = join(scratch, name);
  await cp(join(PROJECT_ROOT, 'examples'), dir, { recursive: true });
  for (const file of await readdir(join(dir, 'connectors'), { recursive: true })) {
    if (!file.endsWith('.yaml')) continue;
    const path = join(dir, 'connectors', file);
    await writeFile(path, (await readFile(path, 'utf8')).replaceAll('ws-demo', `ws-${namespace}`));
  }
  const git = (...args: string[]): string => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, encoding: 'utf8' });
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'definitions');
  return dir;
}

/** A terminal's input: `beforeAnswer` runs when the question is read, after the plan was shown. */
function terminalInput(answer: string | undefined, beforeAnswer?: () => void): Readable & { isTTY: boolean } {
  const input = new Readable({
    read() {
      beforeAnswer?.();
      if (answer !== undefined) this.push(`${answer}\n`);
      this.push(null);
    },
  });
  return Object.assign(input, { isTTY: answer !== undefined });
}

async function cli(args: string[], cwd: string, options: { env?: Record<string, string>; answer?: string; beforeAnswer?: () => void } = {}): Promise<{ code: number; text: string }> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const stdin = terminalInput(options.answer, options.beforeAnswer);
  const io: Io = { stdout: out, stderr: out, stdin, env: { ...KEY, ...options.env }, cwd };
  const code = await main(args, io);
  return { code, text };
}

describe('flink-connectors apply in a terminal', () => {
  it('shows the plan, asks, and applies only on yes', async () => {
    const repo = await checkout('confirm', 'confirm');
    const target = ['--endpoint', emulator.url];
    const no = await cli(['apply', ...target], repo, { answer: 'no' });
    expect(no.code).toBe(1);
    expect(no.text).toContain('Plan: 4 to register, 0 to replace, 0 to delete.');
    expect(no.text).toContain("Only 'yes' is accepted");
    expect(no.text).toContain('Apply cancelled; nothing was changed.');
    expect(emulator.connectors('ws-confirm', 'default')).toEqual([]);

    const yes = await cli(['apply', ...target], repo, { answer: 'yes' });
    expect(yes.code, yes.text).toBe(0);
    expect(yes.text).toContain('This apply is unreviewed');
    expect(emulator.connectors('ws-confirm', 'default')).toHaveLength(3);
  });

  it('applies nothing when the plan changed between the confirmation and the apply', async () => {
    const repo = await checkout('moving', 'moving');
    const stranger = { name: 'kafka-orders', type: 'kafka-orders', source: false, sink: true, lookup: false, properties: [], supportedFormats: [], dependencies: [] };
    emulator.resetStats();
    const moved = await cli(['apply', '--endpoint', emulator.url], repo, { answer: 'yes', beforeAnswer: () => emulator.seed('ws-moving', 'default', [stranger]) });
    expect(moved.code).toBe(1);
    expect(moved.text).toContain('Plan: 4 to register, 0 to replace, 0 to delete.');
    expect(moved.text).toContain('The plan changed after it was confirmed');
    // Two plans (two targets each), and not one change.
    expect(emulator.stats().calls).toEqual({ ListCustomConnectors: 4 });
    expect(emulator.connectors('ws-moving', 'default')).toEqual([expect.objectContaining({ name: 'kafka-orders', source: false })]);
  });
});

describe('flink-connectors with --repo', () => {
  it('reads the record from GitHub, writes it after an apply, and so sees a JAR change', async () => {
    const repo = await checkout('recorded', 'recorded');
    const env = { GH_TOKEN: TOKEN, GITHUB_API_URL: github.url };
    const args = ['--endpoint', emulator.url, '--repo', 'acme/recorded'];

    const applied = await cli(['apply', '--yes', ...args], repo, { env });
    expect(applied.code, applied.text).toBe(0);
    expect(applied.text).toContain('record: 0 target(s) with applied connectors');
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
    // Per target: the intended changes (in progress), then the outcome, both at the checked-out commit.
    const records = github.deployments('acme', 'recorded').filter((d) => d.environment.startsWith('flink-connectors/'));
    const outcomes = records.filter((d) => d.statuses[0]?.state === 'success');
    expect(outcomes.map((d) => d.sha)).toEqual([head, head]);
    expect(new Set(outcomes.map((d) => d.environment)).size).toBe(2);
    expect(records.every((d) => d.sha === head)).toBe(true);

    const file = join(repo, 'connectors/streaming/kafka-orders.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('kafka-orders-1.0.0.jar', 'kafka-orders-2.0.0.jar'));
    const bump = await cli(['plan', '--detailed-exitcode', ...args], repo, { env });
    expect(bump.code, bump.text).toBe(2);
    expect(bump.text).toContain('Plan: 0 to register, 1 to replace, 0 to delete.');

    // Without --repo the same change is invisible, and the plan says so.
    const blind = await cli(['plan', '--detailed-exitcode', '--endpoint', emulator.url], repo, { env });
    expect(blind.code).toBe(0);
    expect(blind.text).toContain('JAR changes and removed files cannot be detected');
    // A terminal gives GitHub access with --repo and a token, not with the action's input.
    expect(blind.text).toContain('(no --repo owner/name with GITHUB_TOKEN or GH_TOKEN)');
    expect(blind.text).not.toContain('github-token');
  });
});

describe('flink-connectors validate in a workflow', () => {
  it('writes the errors as GitHub annotations too when GITHUB_ACTIONS is set, and only then', async () => {
    const repo = await mkdtemp(join(scratch, 'validate-'));
    await mkdir(join(repo, 'connectors'));
    await writeFile(join(repo, 'connectors/bad.yaml'), 'connector_name: ok-name\nconnector_type: t\njar_url: oss://b/x.jar\nworkspace_id: w\nnamespace_name: n\nsurprise: 1\n');
    const annotated = await cli(['validate', 'connectors/bad.yaml'], repo, { env: { GITHUB_ACTIONS: 'true' } });
    expect(annotated.code).toBe(1);
    expect(annotated.text).toContain('connectors/bad.yaml:6:1: unknown key `surprise`');
    expect(annotated.text).toMatch(/^::error [^\n]*file=connectors\/bad\.yaml,line=6,col=1::unknown key `surprise`/m);

    const plain = await cli(['validate', 'connectors/bad.yaml'], repo);
    expect(plain.code).toBe(1);
    expect(plain.text).toContain('connectors/bad.yaml:6:1: unknown key `surprise`');
    expect(plain.text).not.toContain('::error');
  });
});

/** A checkout that deletes redis-cache from `workspaceId`/default, where a running job uses it. */
async function redisInUse(workspaceId: string): Promise<string> {
  const repo = await mkdtemp(join(scratch, `${workspaceId}-`));
  await mkdir(join(repo, 'connectors'));
  await writeFile(join(repo, 'connectors/c.yaml'), `connector_name: redis-cache\nstate: absent\nworkspace_id: ${workspaceId}\nnamespace_name: default\n`);
  emulator.seed(workspaceId, 'default', [{ name: 'redis-cache', type: 'redis-cache', source: false, sink: true, lookup: true, properties: [], supportedFormats: [], dependencies: [] }]);
  emulator.seedUsage(workspaceId, 'default', { deployments: [{ name: 'cache-warmer', running: 1, sql: "CREATE TEMPORARY TABLE c (k STRING) WITH ('connector' = 'redis-cache');" }] });
  return repo;
}

describe('flink-connectors plan and the impact inputs', () => {
  it('takes --protect-in-use and --impact as the action takes its inputs', async () => {
    const repo = await redisInUse('ws-cli-impact');
    const args = ['plan', '--detailed-exitcode', '--endpoint', emulator.url];

    const refused = await cli(args, repo);
    expect(refused.code).toBe(1);
    expect(refused.text).toContain('--protect-in-use is true');
    expect(refused.text).toContain('or set --protect-in-use false.');
    expect(refused.text).not.toMatch(/protect-in-use: /);
    expect(refused.text).toContain('cache-warmer');

    const allowed = await cli([...args, '--protect-in-use', 'false'], repo);
    expect(allowed.code, allowed.text).toBe(2);
    expect(allowed.text).toContain('cache-warmer (1 running)');

    emulator.resetStats();
    const blind = await cli([...args, '--protect-in-use', 'false', '--impact', 'false'], repo);
    expect(blind.code, blind.text).toBe(2);
    expect(blind.text).not.toContain('cache-warmer');
    expect(emulator.stats().calls).toEqual({ ListCustomConnectors: 1 });
  });
});

describe('flink-connectors apply --yes and protect-in-use', () => {
  it('refuses to delete a connector running jobs use, as the plan would, and deletes it with --protect-in-use false', async () => {
    const repo = await redisInUse('ws-cli-protect');
    const args = ['apply', '--yes', '--endpoint', emulator.url];

    const refused = await cli(args, repo);
    expect(refused.code).toBe(1);
    expect(refused.text).toContain('--protect-in-use is true');
    expect(refused.text).toContain('or set --protect-in-use false.');
    expect(refused.text).not.toMatch(/protect-in-use: /);
    expect(refused.text).toContain('cache-warmer');
    expect(emulator.connectors('ws-cli-protect', 'default')).toHaveLength(1);

    const deleted = await cli([...args, '--protect-in-use', 'false'], repo);
    expect(deleted.code, deleted.text).toBe(0);
    expect(emulator.connectors('ws-cli-protect', 'default')).toEqual([]);
  });
});

describe('flink-connectors export', () => {
  it('writes definition files for the live connectors no definition declares', async () => {
    const repo = await mkdtemp(join(scratch, 'export-'));
    emulator.seed('ws-export', 'default', [{ name: 'legacy', type: 'legacy', source: true, sink: false, lookup: false, properties: [], supportedFormats: [], dependencies: [] }]);
    const exported = await cli(['export', '--endpoint', emulator.url, '--workspace-id', 'ws-export', '--namespace', 'default'], repo);
    expect(exported.code, exported.text).toBe(0);
    expect(exported.text).toContain('exported legacy from ws-export/default');
    const files = await readdir(join(repo, 'connectors/exported'), { recursive: true });
    expect(files.filter((f) => f.endsWith('.yaml'))).toHaveLength(1);
  });

  it('reports invalid options with the action messages and sends nothing', async () => {
    emulator.resetStats();
    const bad = await cli(['plan', '--endpoint', emulator.url, '--timeout', 'soon'], scratch);
    expect(bad.code).toBe(1);
    // A terminal's messages name its options, not the action's inputs.
    expect(bad.text).toContain('error: Option `--timeout` must be a duration such as 90s, 10m or 1h, got "soon".');
    expect(emulator.stats().total).toBe(0);
  });
});

describe('flink-connectors sandbox --catalog', () => {
  it('registers what the given catalog says the JARs declare, not what the definitions say', async () => {
    const repo = join(scratch, 'with-catalog');
    await cp(join(PROJECT_ROOT, 'examples'), repo, { recursive: true });
    const catalog = join(PROJECT_ROOT, '__fixtures__/catalog/catalog.yaml');
    const pr = await cli(['sandbox', '--dir', 'with-catalog', '--catalog', catalog], scratch);
    expect(pr.code, pr.text).toBe(0);
    const merge = await cli(['sandbox', '--dir', 'with-catalog', '--catalog', catalog, '--as', 'merge'], scratch);
    expect(merge.code, merge.text).toBe(0);
    const state = JSON.parse(await readFile(join(repo, '.flink-connectors-sandbox', 'state.json'), 'utf8')) as { targets: Array<{ namespace: string; connectors: Array<{ name: string; properties: Array<{ key: string }> }> }> };
    const kafka = state.targets.find((t) => t.namespace === 'default')?.connectors.find((c) => c.name === 'kafka-orders');
    // Only the catalog knows the JAR's properties.
    expect(kafka?.properties.map((p) => p.key)).toContain('topic');
  });
});

describe('a command line that speaks its own language', () => {
  it('prints its version', async () => {
    const pkg = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
    const shown = await cli(['--version'], scratch);
    expect(shown.code).toBe(0);
    expect(shown.text.trim()).toBe(pkg.version);
  });

  it('lists on plan and apply only the options a terminal run uses; keyless sign-in only where an ID token can be had', async () => {
    const help = async (command: string, env: Record<string, string> = {}): Promise<string> => (await cli([command, '--help'], scratch, { env })).text;
    const action = ['--drift-issue', '--fail-on-drift', '--export-path', '--allow-unreviewed-changes', '--role-arn', '--oidc-provider-arn', '--audience', '--sts-endpoint', '--role-session-name'];
    for (const command of ['plan', 'apply']) {
      const text = await help(command);
      expect(text).toContain('--allow-deletes');
      for (const flag of action) expect(text).not.toContain(flag);
    }
    expect(await help('export')).toContain('--export-path');
    const inJob = await help('plan', { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.example/?x=1' });
    expect(inJob).toContain('--role-arn');
    expect(inJob).toContain('--oidc-provider-arn');
  });

  it('names the option, not the input, in a refusal of the plan', async () => {
    const repo = await checkout('deletes', 'deletes');
    const applied = await cli(['apply', '--yes', '--endpoint', emulator.url], repo);
    expect(applied.code, applied.text).toBe(0);
    await rm(join(repo, 'connectors/lookups.yaml'));
    const refused = await cli(['plan', '--endpoint', emulator.url, '--prune', '--allow-deletes', 'false'], repo);
    expect(refused.code).toBe(1);
    expect(refused.text).toContain('--allow-deletes is false, but the plan deletes');
    expect(refused.text).not.toMatch(/(^|[^-])allow-deletes is false/m);
  });

  it('prints the plan once on apply --yes', async () => {
    const repo = await checkout('once', 'once');
    const applied = await cli(['apply', '--yes', '--endpoint', emulator.url], repo);
    expect(applied.code, applied.text).toBe(0);
    expect(applied.text.match(/^Plan: /gm)).toHaveLength(1);
    expect(applied.text.match(/\+ register kafka-orders/g)).toHaveLength(1);
    expect(applied.text).toContain('Applying because --yes was given');
    expect(applied.text).not.toContain('Applying anyway');
    expect(applied.text).toMatch(/^Apply: 4 done/m);
  });

  it('sandbox takes the folder as --dir: --repo is owner/name', async () => {
    const wrong = await cli(['sandbox', '--repo', 'some-dir'], scratch);
    expect(wrong.code).toBe(1);
    expect(wrong.text).toContain('--dir');
  });

  it('validates from a subfolder of the checkout as from its top, as git finds the repository', async () => {
    const repo = await checkout('subfolder', 'subfolder');
    const file = join(repo, 'connectors/streaming/kafka-orders.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('connector_type:', 'connector_typo:'));
    const fromTop = await cli(['validate'], repo);
    expect(fromTop.code).toBe(1);
    const fromBelow = await cli(['validate'], join(repo, 'connectors/streaming'));
    expect(fromBelow.code, fromBelow.text).toBe(1);
    expect(fromBelow.text).toContain('connectors/streaming/kafka-orders.yaml:');
  });

  it('says what is missing when apply --repo runs outside a git checkout, and sends nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fca-nogit-'));
    try {
      await cp(join(PROJECT_ROOT, 'examples'), dir, { recursive: true });
      emulator.resetStats();
      const run = await cli(['apply', '--yes', '--endpoint', emulator.url, '--repo', 'acme/nogit'], dir, { env: { GH_TOKEN: TOKEN, GITHUB_API_URL: github.url } });
      expect(run.code).toBe(1);
      expect(run.text).toContain('not a git checkout');
      expect(run.text).toContain('acme/nogit');
      expect(emulator.stats().total).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the sandbox plays the repository as it is', () => {
  it('shows its real commits, compares merges, opens a new pull request after a failed merge, and saves the job summary', async () => {
    const repo = await checkout('played', 'played');
    const catalog = ['--catalog', join(PROJECT_ROOT, '__fixtures__/catalog/catalog.yaml')];
    const git = (...args: string[]): string => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo, encoding: 'utf8' }).trim();
    const state = join(repo, '.flink-connectors-sandbox');

    const pr = await cli(['sandbox', '--dir', repo, ...catalog], scratch);
    expect(pr.code, pr.text).toBe(0);
    const first = git('rev-parse', 'HEAD');
    expect(await readFile(join(state, 'pull-1-comment.md'), 'utf8')).toContain(`\`${first.slice(0, 7)}\``);
    const merged = await cli(['sandbox', '--dir', repo, ...catalog, '--as', 'merge'], scratch);
    expect(merged.code, merged.text).toBe(0);
    const summary = /job summary \(Markdown\): (\S+)/.exec(merged.text)?.[1] ?? '';
    expect(summary, merged.text).not.toBe('');
    expect(await readFile(summary, 'utf8')).toContain('kafka-orders');

    // A second change, merged over the first: the review check compares the two merges.
    const file = join(repo, 'connectors/streaming/kafka-orders.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('description:', 'description: v2'));
    git('commit', '-qam', 'describe');
    expect((await cli(['sandbox', '--dir', repo, ...catalog], scratch)).code).toBe(0);
    const second = await cli(['sandbox', '--dir', repo, ...catalog, '--as', 'merge'], scratch);
    expect(second.code, second.text).toBe(0);
    expect(second.text).not.toContain('cannot compare');
    expect(second.text).toMatch(/review check: commits [0-9a-f]{7}\.\.[0-9a-f]{7} merged/);

    // A JAR the catalog does not know: the merge's apply fails; the fix comes in a new pull request.
    await writeFile(file, (await readFile(file, 'utf8')).replace('kafka-orders-1.0.0.jar', 'kafka-orders-9.9.9.jar'));
    git('commit', '-qam', 'unknown jar');
    expect((await cli(['sandbox', '--dir', repo, ...catalog], scratch)).text).toContain('pull request #3');
    const failed = await cli(['sandbox', '--dir', repo, ...catalog, '--as', 'merge'], scratch);
    expect(failed.code, failed.text).toBe(1);
    const failedComment = await readFile(join(state, 'pull-3-comment.md'), 'utf8');
    const next = await cli(['sandbox', '--dir', repo, ...catalog], scratch);
    expect(next.text).toContain('pull request #4');
    expect(await readFile(join(state, 'pull-3-comment.md'), 'utf8')).toBe(failedComment);
  });
});

describe('flink-connectors apply verifies replaces; validate stays offline', () => {
  it('a replace that breaks a job fails the apply, naming the job and the line; validate makes no call', async () => {
    const repo = await checkout('verify', 'verify');
    // With the record, the JAR change is a replace (the new JAR declares the same capabilities).
    const env = { GH_TOKEN: TOKEN, GITHUB_API_URL: github.url };
    const target = ['--yes', '--endpoint', emulator.url, '--repo', 'acme/verify'];
    const first = await cli(['apply', ...target], repo, { env });
    expect(first.code, first.text).toBe(0);
    emulator.seedUsage('ws-verify', 'default', {
      deployments: [{ name: 'orders-etl', sql: "CREATE TEMPORARY TABLE o (id INT) WITH (\n  'connector' = 'kafka-orders', 'topic' = 't', 'properties.bootstrap.servers' = 'k:9092');" }],
    });
    const file = join(repo, 'connectors/streaming/kafka-orders.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('kafka-orders-1.0.0.jar', 'kafka-orders-3.0.0.jar'));

    emulator.resetStats();
    const offline = await cli(['validate'], repo);
    expect(offline.code, offline.text).toBe(0);
    expect(emulator.stats().total).toBe(0);

    const broken = await cli(['apply', ...target], repo, { env });
    expect(broken.code, broken.text).not.toBe(0);
    expect(broken.text).toMatch(/orders-etl: line 2, column 3: One or more required options are missing/);
    expect(broken.text).toContain('rolled back: registered the recorded JAR oss://flink-artifacts/connectors/kafka-orders-1.0.0.jar again');
    // The plan shown for confirmation validates today's SQL once; the apply before and after.
    expect(emulator.stats().calls.ValidateSqlStatement).toBe(3);
  });
});
