/**
 * `flink-connectors validate` as a pre-commit hook or a CI step runs it (dist/cli.js), on
 * definitions a pull request controls: nothing it prints may become a workflow command, and no
 * credential in a URL is printed.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../scripts/local-runner.js';
import { runCommand } from '../support/command.js';

const CLI = join(PROJECT_ROOT, 'dist/cli.js');
let repo: string;

beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'fca-validate-'));
  await mkdir(join(repo, '.git'));
  await mkdir(join(repo, 'connectors'));
});

afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

const validate = (env: Record<string, string> = {}) =>
  runCommand(repo, process.execPath, [CLI, 'validate'], { PATH: process.env.PATH, HOME: repo, GITHUB_ACTIONS: 'true', ...env });

/** Lines a runner would read as workflow commands, other than the tool's own annotations. */
const injected = (stdout: string): string[] =>
  stdout.split(/\r?\n/).filter((line) => /^\s*::/.test(line) && !/^::(error|warning|notice) (title|file)=[^\n]*::/.test(line) && !line.startsWith('::debug::'));

describe('validate prints every untrusted value on one line', () => {
  it('a key with line breaks and workflow commands stays inside its message', async () => {
    const key = 'x\n::add-mask::connectors\n::stop-commands::pwned\n::error title=Injected::gotcha';
    const content = `connector_name: a\nconnector_type: a\njar_url: oss://b/a.jar\n${JSON.stringify(key)}: 1\n`;
    await writeFile(join(repo, 'connectors/a.yaml'), content);
    const run = await validate();
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('unknown key');
    expect(injected(run.stdout), run.stdout).toEqual([]);
    expect(run.stdout).not.toMatch(/^::stop-commands::/m);
  });

  it('a file name with a line break and a workflow command stays one line', async () => {
    await writeFile(join(repo, 'connectors', 'b\n::error title=Injected::pwned.yaml'), 'connector_name: b\nconnector_type: b\n');
    const run = await validate();
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('missing required field');
    expect(injected(run.stdout), run.stdout).toEqual([]);
    expect(run.stdout).not.toMatch(/^::error title=Injected/m);
  });
});

describe('validate refuses credentials in URLs without printing them', () => {
  it('jar_url and dependencies with tokens, and a dependency with another scheme', async () => {
    const token = 'ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    const gcs = 'GOOG4signature00ff11ee22dd';
    await writeFile(
      join(repo, 'connectors/a.yaml'),
      [
        'connector_name: a',
        'connector_type: a',
        `jar_url: "https://raw.example.com/a.jar?token=${token}"`,
        'dependencies:',
        `  - "https://storage.googleapis.com/b/d.jar?X-Goog-Credential=sa&X-Goog-Signature=${gcs}"`,
        '  - "https://h.example.com/d.jar#access_token=fragmentSecret42"',
        '  - s3://bucket/d.jar',
        '',
      ].join('\n'),
    );
    const run = await validate();
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('connectors/a.yaml:3:1: `jar_url` carries a credential');
    expect(run.stdout).toContain('connectors/a.yaml:5:5: item 1 of `dependencies`');
    expect(run.stdout).toContain('connectors/a.yaml:6:5: item 2 of `dependencies` carries a credential');
    expect(run.stdout).toContain('connectors/a.yaml:7:5: item 3 of `dependencies` must be an `oss://`, `https://` or `http://` URL, found scheme `s3`');
    for (const secret of [token, gcs, 'fragmentSecret42']) expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('a duplicate is reported in the same run as the bad jar_url of its first declaration', async () => {
    await writeFile(join(repo, 'connectors/a.yaml'), 'connector_name: k\nconnector_type: k\njar_url: hdfs://nn/k.jar\nworkspace_id: ws\nnamespace_name: ns\n');
    await writeFile(join(repo, 'connectors/b.yaml'), 'connector_name: k\nconnector_type: k2\njar_url: oss://b/k.jar\nworkspace_id: ws\nnamespace_name: ns\n');
    const run = await validate();
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('connectors/a.yaml:3:10: `jar_url` must be an `oss://`');
    expect(run.stdout).toContain('connectors/b.yaml:1:1: connector `k` is declared twice in `ws/ns`; first at connectors/a.yaml:1');
  });
});

describe('validate is bounded in time on hostile input', () => {
  it('four files of nearly 1 MiB, each one long unknown key: answered in seconds, quoting little', async () => {
    for (const name of ['a', 'b', 'c', 'd']) {
      const key = `connector_typ${'e'.repeat(1024 * 1024 - 200)}`;
      await writeFile(join(repo, `connectors/${name}.yaml`), `connector_name: ${name}\nconnector_type: ${name}\njar_url: oss://b/${name}.jar\n${key}: 1\n`);
    }
    const started = Date.now();
    const run = await validate({ GITHUB_ACTIONS: '' });
    expect(run.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.stdout).toContain('connectors/d.yaml:4:1: unknown key `connector_typeee');
    expect(run.stdout.length).toBeLessThan(10_000);
  }, 60_000);
});
