import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_FILES, MAX_FILE_BYTES, MAX_TOTAL_BYTES, readDefinitionFiles, rootPatterns } from '../../src/definitions/files.js';
import { FILE_CASES } from './bad-cases.js';

const PATTERNS = ['connectors/**/*.yaml', 'connectors/**/*.yml'];
const DEFINITION = 'connector_name: kafka\nconnector_type: kafka\njar_url: oss://bucket/kafka.jar\n';

let base: string;
let root: string;
let outside: string;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'definitions-'));
  root = join(base, 'repo');
  outside = join(base, 'outside');
  await mkdir(join(root, 'connectors'), { recursive: true });
  await mkdir(outside);
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('readDefinitionFiles: refused files', () => {
  it.each(FILE_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await c.create(root, outside);
    await writeFile(join(root, 'connectors', 'ok.yaml'), DEFINITION);
    const result = await readDefinitionFiles(PATTERNS, root);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.location).toEqual({ file: c.file, line: c.line });
    expect(result.errors[0]?.message).toContain(c.message);
    // The refused file is not passed on; the others are.
    expect(result.files.map((f) => f.path)).toEqual(['connectors/ok.yaml']);
  });

  it('never puts the content of an escaping file in the result', async () => {
    await writeFile(join(outside, 'secret.yaml'), 'token: do-not-read\n');
    await symlink(join(outside, 'secret.yaml'), join(root, 'connectors', 'escape.yaml'));
    const result = await readDefinitionFiles(PATTERNS, root);
    expect(JSON.stringify(result)).not.toContain('do-not-read');
  });
});

describe('readDefinitionFiles', () => {
  it('warns when nothing matches', async () => {
    const result = await readDefinitionFiles(PATTERNS, root);
    expect(result).toEqual({
      files: [],
      errors: [],
      warnings: [expect.stringContaining('no connector definition files matched `connectors/**/*.yaml`, `connectors/**/*.yml`')],
    });
  });

  it('returns relative posix paths, sorted, each once, with `!` exclusions', async () => {
    await mkdir(join(root, 'connectors', 'b', 'deep'), { recursive: true });
    await mkdir(join(root, 'connectors', 'skip'));
    await writeFile(join(root, 'connectors', 'z.yaml'), DEFINITION);
    await writeFile(join(root, 'connectors', 'b', 'deep', 'a.yml'), DEFINITION);
    await writeFile(join(root, 'connectors', 'a.yaml'), DEFINITION);
    await writeFile(join(root, 'connectors', 'skip', 'x.yaml'), DEFINITION);
    await writeFile(join(root, 'connectors', 'notes.md'), '# not yaml');
    const result = await readDefinitionFiles([...PATTERNS, 'connectors/*.yaml', '!connectors/skip/**'], root);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.files.map((f) => f.path)).toEqual(['connectors/a.yaml', 'connectors/b/deep/a.yml', 'connectors/z.yaml']);
    expect(result.files[0]?.content).toBe(DEFINITION);
  });

  it('accepts a symbolic link that stays inside the root, and strips a UTF-8 BOM', async () => {
    await mkdir(join(root, 'shared'));
    await writeFile(join(root, 'shared', 'kafka.yaml'), `\uFEFF${DEFINITION}`);
    await symlink(join(root, 'shared', 'kafka.yaml'), join(root, 'connectors', 'kafka.yaml'));
    const result = await readDefinitionFiles(PATTERNS, root);
    expect(result.errors).toEqual([]);
    expect(result.files).toEqual([{ path: 'connectors/kafka.yaml', content: DEFINITION }]);
  });

  it('does not descend into a symbolic link to a directory outside the root', async () => {
    await writeFile(join(outside, 'elsewhere.yaml'), DEFINITION);
    await symlink(outside, join(root, 'connectors', 'linked'));
    const result = await readDefinitionFiles(PATTERNS, root);
    expect(result.files).toEqual([]);
    expect(result.warnings).toHaveLength(1);
  });

  it('finds files under a root whose name contains glob characters', async () => {
    const odd = join(base, 'repo [1] *?');
    await mkdir(join(odd, 'connectors'), { recursive: true });
    await writeFile(join(odd, 'connectors', 'a.yaml'), DEFINITION);
    const result = await readDefinitionFiles(PATTERNS, odd);
    expect(result.files.map((f) => f.path)).toEqual(['connectors/a.yaml']);
  });

  it('refuses patterns that climb out of the root', async () => {
    await expect(readDefinitionFiles(['../other/*.yaml'], root)).rejects.toThrow('must not contain `..`');
  });
});

describe('rootPatterns', () => {
  it('roots relative patterns and keeps negations, dropping comments and blanks', () => {
    expect(rootPatterns(['a/*.yaml', './b/*.yml', '!a/x.yaml', '# comment', '  '], '/repo')).toEqual([
      '/repo/a/*.yaml',
      '/repo/b/*.yml',
      '!/repo/a/x.yaml',
    ]);
  });

  it('escapes glob characters in the root', () => {
    expect(rootPatterns(['*.yaml'], '/r[1]/x*?')).toEqual(['/r[[]1]/x[*][?]/*.yaml']);
  });
});

describe('readDefinitionFiles: bounded in files and bytes', () => {
  it('reads at most MAX_FILES files, and says which were not read', async () => {
    await Promise.all(Array.from({ length: MAX_FILES + 2 }, (_, i) => writeFile(join(root, 'connectors', `c${String(i).padStart(5, '0')}.yaml`), DEFINITION)));
    const read = await readDefinitionFiles(PATTERNS, root);
    expect(read.files).toHaveLength(MAX_FILES);
    expect(read.errors).toEqual([{ message: expect.stringContaining(`${MAX_FILES + 2} files matched, more than the limit of ${MAX_FILES}`), location: { file: `connectors/c0${MAX_FILES}.yaml`, line: 1 } }]);
  });

  it('stops reading once the files read hold more than MAX_TOTAL_BYTES', async () => {
    const big = `description: "${'x'.repeat(MAX_FILE_BYTES - 100)}"\n`;
    const count = Math.ceil(MAX_TOTAL_BYTES / big.length) + 2;
    for (let i = 0; i < count; i++) await writeFile(join(root, 'connectors', `big${i}.yaml`), big);
    const read = await readDefinitionFiles(PATTERNS, root);
    expect(read.files.length).toBeLessThan(count);
    expect(read.files.reduce((n, f) => n + f.content.length, 0)).toBeLessThanOrEqual(MAX_TOTAL_BYTES + MAX_FILE_BYTES);
    expect(read.errors.length).toBe(count - read.files.length);
    expect(read.errors[0]?.message).toContain('the limit for one run');
  });
});
