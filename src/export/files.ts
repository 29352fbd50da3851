import { lstat, mkdir, realpath, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';

/** Writes files below `root`, refusing any path that would leave it, also through a symbolic link. */
export async function writeFilesUnder(root: string, files: ReadonlyArray<{ path: string; content: string }>): Promise<void> {
  const realRoot = await realpath(root);
  const inside = (path: string): boolean => {
    const rel = relative(realRoot, path);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
  for (const file of files) {
    const target = resolve(realRoot, file.path);
    if (!inside(target)) throw new Error(`Refusing to write outside the repository: ${file.path}`);
    // Check the deepest folder that exists before creating anything below it.
    let existing = dirname(target);
    for (;;) {
      try {
        existing = await realpath(existing);
        break;
      } catch {
        existing = dirname(existing);
      }
    }
    if (!inside(existing)) throw new Error(`Refusing to write outside the repository (through a symbolic link): ${file.path}`);
    await mkdir(dirname(target), { recursive: true });
    try {
      await lstat(target).then((st) => {
        if (st.isSymbolicLink()) throw new Error(`Refusing to write through a symbolic link: ${file.path}`);
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await writeFile(target, file.content);
  }
}
