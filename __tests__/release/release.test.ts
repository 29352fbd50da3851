/**
 * The release tooling run as a maintainer and the release workflow run it: the helper in a scratch
 * git repository, the workflow's checking steps on this repository, its release step with a
 * stand-in `gh`, and its major-tag step pushing to a local remote.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as yaml from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changelogSection } from '../../scripts/changelog.js';
import { PROJECT_ROOT } from '../../scripts/local-runner.js';
import { runCommand } from '../support/command.js';

const exec = promisify(execFile);
const TSX = import.meta.resolve('tsx');
const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Release Test',
  GIT_AUTHOR_EMAIL: 'release@example.com',
  GIT_COMMITTER_NAME: 'Release Test',
  GIT_COMMITTER_EMAIL: 'release@example.com',
};

const runIn = (cwd: string, file: string, args: string[]) => runCommand(cwd, file, args, GIT_ENV);
const git = async (cwd: string, ...args: string[]) => (await exec('git', args, { cwd, env: GIT_ENV })).stdout.trim();
const release = (cwd: string, ...args: string[]) => runIn(cwd, process.execPath, ['--import', TSX, join(PROJECT_ROOT, 'scripts', 'release.ts'), ...args]);

describe('npm run release -- X.Y.Z, in a scratch repository', () => {
  let repo: string;

  beforeEach(async () => {
    repo = await mkdtemp(join(tmpdir(), 'fca-release-'));
    const pkg = { name: 'scratch-action', version: '1.1.0', private: true };
    await writeFile(join(repo, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
    await writeFile(join(repo, 'package-lock.json'), `${JSON.stringify({ name: 'scratch-action', version: '1.1.0', lockfileVersion: 3, packages: { '': pkg } }, null, 2)}\n`);
    await writeFile(
      join(repo, 'CHANGELOG.md'),
      '# Changelog\n\n## [Unreleased]\n\n### Added\n\n- Drift checks.\n\n### Fixed\n\n## [1.1.0] - 2026-10-01\n\n- Export.\n\n[Unreleased]: https://github.com/acme/a/compare/v1.1.0...HEAD\n[1.1.0]: https://github.com/acme/a/releases/tag/v1.1.0\n',
    );
    await git(repo, 'init', '--quiet', '--initial-branch', 'main');
    await git(repo, 'add', '.');
    await git(repo, 'commit', '--quiet', '-m', 'Start');
  });

  afterEach(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  it('sets the version, moves the changelog section under today, commits and tags', async () => {
    const run = await release(repo, '1.2.0');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('tagged v1.2.0');

    expect(JSON.parse(await readFile(join(repo, 'package.json'), 'utf8'))).toEqual({ name: 'scratch-action', version: '1.2.0', private: true });
    const lock = JSON.parse(await readFile(join(repo, 'package-lock.json'), 'utf8')) as { version: string; packages: Record<string, { version: string }> };
    expect([lock.version, lock.packages['']?.version]).toEqual(['1.2.0', '1.2.0']);
    const changelog = await readFile(join(repo, 'CHANGELOG.md'), 'utf8');
    const today = new Date().toISOString().slice(0, 10);
    expect(changelog).toContain(`## [1.2.0] - ${today}\n`);
    expect(changelogSection(changelog, '1.2.0')).toBe('### Added\n\n- Drift checks.\n');

    expect(await git(repo, 'status', '--porcelain')).toBe('');
    expect(await git(repo, 'log', '-1', '--format=%s')).toBe('Release 1.2.0');
    expect(await git(repo, 'rev-parse', 'v1.2.0^{commit}')).toBe(await git(repo, 'rev-parse', 'HEAD'));
    expect(await git(repo, 'show', '--name-only', '--format=', 'HEAD')).toBe('CHANGELOG.md\npackage-lock.json\npackage.json');

    // The workflow's notes step on the tagged commit prints exactly that section.
    const notes = await release(repo, 'notes', 'v1.2.0');
    expect(notes.code, notes.stderr).toBe(0);
    expect(notes.stdout).toBe('### Added\n\n- Drift checks.\n');
  });

  it('refuses a dirty tree and changes nothing', async () => {
    await writeFile(join(repo, 'CHANGELOG.md'), `${await readFile(join(repo, 'CHANGELOG.md'), 'utf8')}\nmore\n`);
    const run = await release(repo, '1.2.0');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('uncommitted changes');
    expect(await git(repo, 'tag', '--list')).toBe('');
    expect(await git(repo, 'log', '--format=%s')).toBe('Start');
  });

  it.each([
    ['1.2', 'is not a version'],
    ['v1.2.0.1', 'is not a version'],
    ['1.1.0', 'is not above the current version 1.1.0'],
    ['1.0.9', 'is not above the current version 1.1.0'],
  ])('refuses the version %j', async (version, message) => {
    const run = await release(repo, version);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
    expect(await git(repo, 'status', '--porcelain')).toBe('');
    expect(await git(repo, 'tag', '--list')).toBe('');
  });

  it('refuses notes for a tag that is not the package version', async () => {
    const run = await release(repo, 'notes', 'v1.2.0');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("does not match package.json's version 1.1.0");
  });
});

describe('npm run release -- 1.2.3, through npm as the README says', () => {
  it("runs this package's release script with the version", async () => {
    const repo = await mkdtemp(join(tmpdir(), 'fca-npm-release-'));
    try {
      const ours = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { type: string; scripts: { release: string } };
      const pkg = { name: 'scratch-action', version: '1.2.2', private: true, type: ours.type, scripts: { release: ours.scripts.release } };
      await writeFile(join(repo, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
      await writeFile(join(repo, 'CHANGELOG.md'), '# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n- A crash.\n\n## [1.2.2] - 2026-10-01\n\n- Export.\n');
      await writeFile(join(repo, '.gitignore'), 'node_modules/\n');
      for (const file of ['release.ts', 'changelog.ts']) await cp(join(PROJECT_ROOT, 'scripts', file), join(repo, 'scripts', file));
      await symlink(join(PROJECT_ROOT, 'node_modules'), join(repo, 'node_modules'));
      await git(repo, 'init', '--quiet', '--initial-branch', 'main');
      await git(repo, 'add', '.');
      await git(repo, 'commit', '--quiet', '-m', 'Start');

      const run = await runIn(repo, 'npm', ['run', 'release', '--', '1.2.3']);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(await readFile(join(repo, 'package.json'), 'utf8'))).toEqual({ ...pkg, version: '1.2.3' });
      expect(changelogSection(await readFile(join(repo, 'CHANGELOG.md'), 'utf8'), '1.2.3')).toBe('### Fixed\n\n- A crash.\n');
      expect(await git(repo, 'rev-parse', 'v1.2.3^{commit}')).toBe(await git(repo, 'rev-parse', 'HEAD'));
      expect(await git(repo, 'status', '--porcelain')).toBe('');
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });
});

describe('the release workflow', () => {
  const workflow = yaml.load(readFileSync(join(PROJECT_ROOT, '.github/workflows/release.yml'), 'utf8')) as {
    on: { push: { tags: string[] } };
    jobs: Record<string, { steps: { name?: string; if?: string; run?: string }[] }>;
  };
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
  const runs = steps.flatMap((step) => (step.run ? [step.run] : []));
  const step = (name: string) => {
    const found = steps.find((s) => s.name === name);
    if (!found?.run) throw new Error(`release.yml has no step "${name}" with a run`);
    return found;
  };
  /** A step's script as the runner runs it (`bash --noprofile --norc -eo pipefail`). */
  const runStep = (cwd: string, name: string, env: Record<string, string>) =>
    runCommand(cwd, 'bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step(name).run!], { ...GIT_ENV, ...env });

  it('moves the major tag to the tagged commit on the remote, and only for a release', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'fca-major-'));
    try {
      const remote = join(scratch, 'remote.git');
      const work = join(scratch, 'work');
      await exec('git', ['init', '--quiet', '--bare', remote], { env: GIT_ENV });
      await exec('git', ['init', '--quiet', work], { env: GIT_ENV });
      await git(work, 'remote', 'add', 'origin', remote);
      await git(work, 'commit', '--quiet', '--allow-empty', '-m', 'v1.0.0');
      await git(work, 'tag', 'v1');
      await git(work, 'push', '--quiet', 'origin', 'HEAD:refs/heads/main', 'refs/tags/v1');
      await git(work, 'commit', '--quiet', '--allow-empty', '-m', 'v1.2.3');
      const tagged = await git(work, 'rev-parse', 'HEAD');

      const moved = await runStep(work, 'Move the major tag', { GITHUB_REF_NAME: 'v1.2.3' });
      expect(moved.code, moved.stderr).toBe(0);
      expect(await git(remote, 'rev-parse', 'refs/tags/v1^{commit}')).toBe(tagged);
      // A prerelease skips the step, by its condition.
      expect(step('Move the major tag').if).toBe("${{ !contains(github.ref_name, '-') }}");
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });

  it.each([
    ['v1.2.3', ['release', 'create', 'v1.2.3', '--verify-tag', '--title', 'v1.2.3', '--notes-file', 'NOTES']],
    ['v1.3.0-rc.1', ['release', 'create', 'v1.3.0-rc.1', '--verify-tag', '--title', 'v1.3.0-rc.1', '--notes-file', 'NOTES', '--prerelease']],
  ])('creates the GitHub release %s from the notes file', async (tag, args) => {
    const scratch = await mkdtemp(join(tmpdir(), 'fca-gh-'));
    try {
      // A stand-in `gh` first on PATH records its arguments, one a line.
      await writeFile(join(scratch, 'gh'), '#!/usr/bin/env bash\nprintf "%s\\n" "$@" > "$RUNNER_TEMP/gh-args"\n', { mode: 0o755 });
      const created = await runStep(scratch, 'Create the GitHub release', { GITHUB_REF_NAME: tag, RUNNER_TEMP: scratch, GH_TOKEN: 'x', PATH: `${scratch}:${process.env.PATH ?? ''}` });
      expect(created.code, created.stderr).toBe(0);
      const recorded = (await readFile(join(scratch, 'gh-args'), 'utf8')).trimEnd().split('\n');
      expect(recorded.map((arg) => (arg === join(scratch, 'release-notes.md') ? 'NOTES' : arg))).toEqual(args);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });

  it('runs on version tags, and its checks are the scripts tested here', () => {
    expect(workflow.on.push.tags).toEqual(['v*.*.*']);
    expect(runs).toContainEqual(expect.stringContaining('node --import tsx scripts/release.ts notes "$GITHUB_REF_NAME"'));
    expect(runs).toContain('scripts/check-dist.sh');
  });

  it('finds the release notes of the package version in this repository', async () => {
    const version = (JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const notes = await release(PROJECT_ROOT, 'notes', `v${version}`);
    expect(notes.code, notes.stderr).toBe(0);
    expect(notes.stdout).toBe(changelogSection(await readFile(join(PROJECT_ROOT, 'CHANGELOG.md'), 'utf8'), version));
    expect(notes.stdout).toContain('### Added');
  });

  it("checks dist/ against the commit: passes on this repository's bundle, fails when it differs", async () => {
    // The repository's bundle in a scratch repository, so the check is run for real (`npm test`
    // has just built dist/ here, and the release workflow builds it on the tagged checkout).
    const scratch = await mkdtemp(join(tmpdir(), 'fca-dist-'));
    try {
      await cp(join(PROJECT_ROOT, 'dist'), join(scratch, 'dist'), { recursive: true });
      await cp(join(PROJECT_ROOT, 'scripts', 'check-dist.sh'), join(scratch, 'check-dist.sh'));
      await git(scratch, 'init', '--quiet');
      await git(scratch, 'add', '.');
      await git(scratch, 'commit', '--quiet', '-m', 'bundle');
      const check = () => runIn(scratch, 'bash', ['check-dist.sh', '--no-build']);

      expect(await check()).toMatchObject({ code: 0, stdout: 'dist/ matches the sources.\n' });

      await writeFile(join(scratch, 'dist', 'index.js'), `${await readFile(join(scratch, 'dist', 'index.js'), 'utf8')}\n// stale\n`);
      const stale = await check();
      expect(stale.code).toBe(1);
      expect(stale.stderr).toContain('dist/ is out of date');
      expect(stale.stderr).toContain('dist/index.js');

      await git(scratch, 'checkout', '--', 'dist');
      await writeFile(join(scratch, 'dist', 'extra.js'), '');
      const extra = await check();
      expect(extra.code).toBe(1);
      expect(extra.stderr).toContain('dist/extra.js');
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
