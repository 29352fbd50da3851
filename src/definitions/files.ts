/**
 * Finds and reads the definition files. The only module here with side effects.
 *
 * Refuses what should never reach the YAML parser: files that resolve outside
 * the repository (a symlink is enough to read a runner's secrets into a PR
 * comment), files too large to be definitions, and binary files.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as glob from '@actions/glob';
import type { DefinitionError } from '../model.js';
import type { DefinitionFile } from './validate.js';

/** Definitions are small; anything larger is a mistake (or an attack) and is not read. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Most files read in one run: a few hundred connectors fit many times over. */
export const MAX_FILES = 1000;
/** Most bytes read in one run, all files together. */
export const MAX_TOTAL_BYTES = 4 * 1024 * 1024;

export interface ReadResult {
  /** Sorted by path, each path once. */
  readonly files: DefinitionFile[];
  readonly errors: DefinitionError[];
  readonly warnings: string[];
}

/** Makes a literal path safe to prefix a glob pattern (`*`, `?`, `[` and `\` are special). */
function escapeGlob(literal: string): string {
  return literal.replace(/[\\*?[]/g, (c) => (c === '\\' ? '\\\\' : `[${c}]`));
}

/** Roots relative patterns at `root`, keeping `!` negations and `#` comments as they are. */
export function rootPatterns(patterns: readonly string[], root: string): string[] {
  const base = escapeGlob(root.replace(/\\/g, '/').replace(/\/+$/, ''));
  return patterns
    .map((p) => p.trim())
    .filter((p) => p !== '' && !p.startsWith('#'))
    .map((p) => {
      const bang = /^!*/.exec(p)?.[0] ?? '';
      const rest = p.slice(bang.length).trim().replace(/^\.\//, '');
      if (rest.split('/').includes('..')) {
        throw new Error(`definitions pattern \`${p}\` must not contain \`..\`: patterns are relative to the repository root`);
      }
      const rooted = path.isAbsolute(rest) || rest.startsWith('~') ? rest : `${base}/${rest}`;
      return `${bang}${rooted}`;
    });
}

function toPosix(relative: string): string {
  return relative.split(path.sep).join('/');
}

function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function lineOf(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 10) line++;
  return line;
}

type Outcome = { readonly content: string } | { readonly error: string; readonly line: number };

const decoder = new TextDecoder('utf-8', { fatal: true });

async function readOne(absolute: string, realRoot: string): Promise<Outcome> {
  const real = await fs.realpath(absolute);
  if (!isInside(realRoot, real)) {
    return { error: 'refused: this path resolves (through a symbolic link) to a file outside the repository', line: 1 };
  }
  const handle = await fs.open(real, 'r');
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { error: 'refused: not a regular file', line: 1 };
    if (stat.size > MAX_FILE_BYTES) {
      return { error: `refused: the file is ${stat.size} bytes, larger than the limit of ${MAX_FILE_BYTES} bytes (1 MiB)`, line: 1 };
    }
    // Read at most one byte past the limit, in case the file grew since the stat.
    const buffer = new Uint8Array(MAX_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) {
        return { error: `refused: the file is larger than the limit of ${MAX_FILE_BYTES} bytes (1 MiB)`, line: 1 };
      }
    }
    const bytes = buffer.subarray(0, length);
    const nul = bytes.indexOf(0);
    if (nul >= 0) return { error: 'refused: this is a binary file (it contains a NUL byte), not YAML text', line: lineOf(bytes, nul) };
    try {
      return { content: decoder.decode(bytes) };
    } catch {
      return { error: 'refused: this file is not valid UTF-8 text', line: 1 };
    }
  } finally {
    await handle.close();
  }
}

/**
 * Finds the files matching `patterns` (relative to `root`; `!` excludes) and
 * reads them. Symbolic links to directories are not followed; a matched file
 * whose real path lies outside `root` is refused. No match is a warning.
 * Throws only for an invalid pattern.
 */
export async function readDefinitionFiles(patterns: string[], root: string): Promise<ReadResult> {
  const absoluteRoot = path.resolve(root);
  const realRoot = await fs.realpath(absoluteRoot);
  const globber = await glob.create(rootPatterns(patterns, absoluteRoot).join('\n'), {
    followSymbolicLinks: false,
    matchDirectories: false,
    implicitDescendants: false,
  });
  const matched = await globber.glob();
  const byPath = new Map<string, string>();
  for (const absolute of matched) {
    const relative = toPosix(path.relative(absoluteRoot, absolute));
    byPath.set(relative, absolute);
  }
  const files: DefinitionFile[] = [];
  const errors: DefinitionError[] = [];
  const warnings: string[] = [];
  if (byPath.size === 0) {
    warnings.push(
      `no connector definition files matched ${patterns.map((p) => `\`${p}\``).join(', ')} under the repository root; nothing is declared`,
    );
  }
  const sorted = [...byPath.keys()].sort();
  if (sorted.length > MAX_FILES) {
    const first = sorted[MAX_FILES] ?? '';
    errors.push({ message: `refused: ${sorted.length} files matched, more than the limit of ${MAX_FILES}; this file and the ${sorted.length - MAX_FILES - 1} after it were not read. Narrow the \`definitions\` patterns`, location: { file: first, line: 1 } });
  }
  let total = 0;
  for (const relative of sorted.slice(0, MAX_FILES)) {
    const absolute = byPath.get(relative) ?? relative;
    if (total > MAX_TOTAL_BYTES) {
      errors.push({ message: `refused: the files read before this one already hold more than ${MAX_TOTAL_BYTES / 1024 / 1024} MiB, the limit for one run; it was not read`, location: { file: relative, line: 1 } });
      continue;
    }
    let outcome: Outcome;
    try {
      outcome = await readOne(absolute, realRoot);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      outcome = { error: `could not read this file (${code})`, line: 1 };
    }
    if ('content' in outcome) {
      files.push({ path: relative, content: outcome.content });
      total += Buffer.byteLength(outcome.content);
    }
    else errors.push({ message: outcome.error, location: { file: relative, line: outcome.line } });
  }
  return { files, errors, warnings };
}
