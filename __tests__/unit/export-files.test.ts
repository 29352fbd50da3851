import { mkdtemp, readFile, rm, symlink, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFilesUnder } from '../../src/export/files.js';

describe('writeFilesUnder', () => {
  let root: string;
  let outside: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'fca-root-'));
    outside = await mkdtemp(join(tmpdir(), 'fca-outside-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('writes below the root, creating folders', async () => {
    await writeFilesUnder(root, [{ path: 'connectors/exported/ws/ns/a.yaml', content: 'x: 1\n' }]);
    expect(await readFile(join(root, 'connectors/exported/ws/ns/a.yaml'), 'utf8')).toBe('x: 1\n');
  });

  it('refuses a path that leaves the root', async () => {
    await expect(writeFilesUnder(root, [{ path: '../escape.yaml', content: '' }])).rejects.toThrow(/outside the repository/);
  });

  it('refuses to follow a symbolic link out of the root, and creates nothing there', async () => {
    await mkdir(join(root, 'connectors'));
    await symlink(outside, join(root, 'connectors/exported'));
    await expect(writeFilesUnder(root, [{ path: 'connectors/exported/ws/ns/a.yaml', content: '' }])).rejects.toThrow(/symbolic link/);
    expect(existsSync(join(outside, 'ws'))).toBe(false);
  });
});
