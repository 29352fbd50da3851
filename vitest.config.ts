import { defineConfig } from 'vitest/config';

/**
 * Pure in-process files: no servers, no child processes, no timers, no module mocks. They share one
 * module graph (isolate: false), which saves re-importing src/ for every file.
 */
const PURE = [
  '__tests__/definitions/**/*.test.ts',
  '__tests__/plan/**/*.test.ts',
  '__tests__/report/**/*.test.ts',
  '__tests__/emulator/catalog.test.ts',
  '__tests__/emulator/faults-state.test.ts',
  '__tests__/release/changelog.test.ts',
  '__tests__/unit/cloud-errors.test.ts',
  '__tests__/unit/export-files.test.ts',
  '__tests__/unit/verify-judge.test.ts',
  '__tests__/unit/settings.test.ts',
  '__tests__/unit/readme-workflows.test.ts',
];

/** Real-time and long-budget files, kept out of `npm test` so it stays fast. */
const LONG = ['__tests__/long/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    // Workflow commands written by code under test in the test process stay out of the report.
    setupFiles: ['__tests__/support/quiet-workflow-commands.ts'],
    hookTimeout: 60_000,
    // Vitest's default on a 2-CPU machine is one worker, so every file waits for the one before.
    // Most of the end-to-end time is waiting (child processes, back-off, time limits), which more
    // workers overlap; the bundle runs are separate processes anyway.
    maxWorkers: 4,
    projects: [
      { extends: true, test: { name: 'unit', include: PURE, pool: 'threads', isolate: false } },
      // Each worker process also keeps its module graph from file to file (the servers, support
      // modules and src/ are imported once per worker): no test file mocks modules, and the few that
      // change process.env or fake the clock put them back.
      { extends: true, test: { name: 'e2e', include: ['__tests__/**/*.test.ts'], exclude: [...PURE, ...LONG], pool: 'forks', isolate: false } },
      // Cases whose behaviour is real time (settle windows, slow answers, bounded waits, long
      // randomized histories): `npm run test:long`, which CI runs after `npm test`.
      { extends: true, test: { name: 'long', include: LONG, pool: 'forks', isolate: false } },
    ],
  },
});
