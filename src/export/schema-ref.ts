/**
 * Where an exported file's `# yaml-language-server: $schema=` line points: the repository's own
 * copy of the schema when it has one (a relative path works offline and matches what is
 * committed), otherwise the schema of the release of this action that the workflow runs.
 */
import * as path from 'node:path';
import * as glob from '@actions/glob';
import { rootPatterns } from '../definitions/files.js';

export const SCHEMA_FILE = 'connector-definitions.schema.json';

/** The first copy of the schema in the repository (relative, forward slashes), or undefined. */
export async function findSchemaCopy(root: string): Promise<string | undefined> {
  const patterns = rootPatterns([`**/${SCHEMA_FILE}`, '!**/node_modules/**', '!.git/**'], root);
  const globber = await glob.create(patterns.join('\n'), { followSymbolicLinks: false });
  const found = (await globber.glob()).map((f) => path.relative(root, f).split(path.sep).join('/')).sort();
  return found[0];
}

/** The schema at a release: `owner/repo` and a tag or branch, as GitHub names the running action. */
export function releaseSchemaUrl(release: { readonly repository: string; readonly ref: string }): string {
  const url = new URL(`https://raw.githubusercontent.com/`);
  url.pathname = `/${release.repository}/${release.ref}/schema/${SCHEMA_FILE}`;
  return url.href;
}

/**
 * The `$schema` reference for a file at `filePath` (relative to the repository root), or undefined
 * when there is neither a copy nor a known release: then the line is left out rather than wrong.
 */
export function schemaRefFor(filePath: string, copy: string | undefined, release: { readonly repository: string; readonly ref: string } | undefined): string | undefined {
  if (copy !== undefined) return path.posix.relative(path.posix.dirname(filePath), copy);
  return release === undefined ? undefined : releaseSchemaUrl(release);
}
