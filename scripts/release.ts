/**
 * `npm run release -- 1.2.3`: prepares a release in the current repository. Refuses a dirty tree,
 * a malformed version, one not above package.json's, and an existing tag; then sets the version
 * in package.json and package-lock.json, moves the Unreleased changelog entries under the version
 * with today's date (UTC), commits and tags `v1.2.3`. Pushing the tag starts the release workflow.
 *
 * `node --import tsx scripts/release.ts notes v1.2.3` (used by the release workflow) checks that
 * the tag names package.json's version and prints that version's changelog section.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { changelogSection, compareVersions, parseVersion, releaseChangelog } from './changelog.js';

const run = promisify(execFile);

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd });
  return stdout.trim();
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
}

/** npm's own formatting (two spaces, final newline), so the diff is the version line only. */
const writeJson = (path: string, value: unknown) => writeFile(path, `${JSON.stringify(value, null, 2)}\n`);

async function prepare(root: string, input: string): Promise<void> {
  const version = parseVersion(input);
  if ((await git(root, 'status', '--porcelain')) !== '') throw new Error('The working tree has uncommitted changes: commit or stash them first.');
  const pkgPath = join(root, 'package.json');
  const pkg = await readJson(pkgPath);
  const current = parseVersion(String(pkg.version));
  if (compareVersions(version, current) <= 0) throw new Error(`${version.text} is not above the current version ${current.text}.`);
  const tag = `v${version.text}`;
  if ((await git(root, 'tag', '--list', tag)) !== '') throw new Error(`The tag ${tag} exists already.`);

  const changelogPath = join(root, 'CHANGELOG.md');
  const date = new Date().toISOString().slice(0, 10);
  const changelog = releaseChangelog(await readFile(changelogPath, 'utf8'), version.text, date);

  await writeJson(pkgPath, { ...pkg, version: version.text });
  const lockPath = join(root, 'package-lock.json');
  const lock = await readJson(lockPath).catch(() => undefined);
  if (lock) {
    const packages = lock.packages as Record<string, Record<string, unknown>> | undefined;
    const rootPackage = packages?.[''];
    await writeJson(lockPath, {
      ...lock,
      version: version.text,
      ...(packages && rootPackage ? { packages: { ...packages, '': { ...rootPackage, version: version.text } } } : {}),
    });
  }
  await writeFile(changelogPath, changelog);

  await git(root, 'add', 'package.json', 'CHANGELOG.md', ...(lock ? ['package-lock.json'] : []));
  await git(root, 'commit', '--quiet', '-m', `Release ${version.text}`);
  await git(root, 'tag', '-a', tag, '-m', tag);
  console.log(`Committed "Release ${version.text}" and tagged ${tag}. Publish with: git push origin HEAD ${tag}`);
}

async function notes(root: string, tag: string): Promise<void> {
  const version = parseVersion(tag);
  const pkg = await readJson(join(root, 'package.json'));
  if (pkg.version !== version.text) throw new Error(`The tag ${tag} does not match package.json's version ${String(pkg.version)}.`);
  process.stdout.write(changelogSection(await readFile(join(root, 'CHANGELOG.md'), 'utf8'), version.text));
}

async function main(args: string[]): Promise<void> {
  const root = await git(process.cwd(), 'rev-parse', '--show-toplevel');
  if (args[0] === 'notes' && args.length === 2) return notes(root, args[1] ?? '');
  if (args.length === 1) return prepare(root, args[0] ?? '');
  throw new Error('Usage: npm run release -- X.Y.Z    |    node --import tsx scripts/release.ts notes vX.Y.Z');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`release: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
