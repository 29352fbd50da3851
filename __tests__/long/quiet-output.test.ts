/**
 * `npm test` prints the reporter's lines only: the workflow commands that code under test writes in
 * the test process (`::add-mask::` from the settings, `::debug::` from @actions/glob) stay out.
 *
 * Here, in the long suite: it starts a second Vitest, which costs more CPU than the check is worth in `npm test`.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../scripts/local-runner.js';
import { runCommand } from '../support/command.js';

describe('test output', () => {
  it('has no workflow commands from code that ran in the test process', async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VITEST|TEST$|NODE_ENV$)/.test(key)));
    // The settings mask secrets (`::add-mask::`) and the files test globs (`::debug::`), in-process.
    const files = ['__tests__/unit/settings.test.ts', '__tests__/definitions/files.test.ts'];
    const run = await runCommand(PROJECT_ROOT, join(PROJECT_ROOT, 'node_modules/.bin/vitest'), ['run', '--project', 'unit', ...files], { ...env, NO_COLOR: '1' });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Test Files\s+2 passed/);
    expect((run.stdout + run.stderr).match(/^::[a-z-]+.*$/gm) ?? []).toEqual([]);
  });
});
