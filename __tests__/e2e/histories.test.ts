/**
 * Random histories, short budget: a few pull requests (add, JAR bump, namespace move, removal across
 * two namespaces) planned, merged and applied with random faults, the invariants checked after every
 * run and step (see __tests__/support/history-driver.ts). Seeded, so `npm test` is deterministic;
 * `npm run test:histories` plays many more. A failure prints the seed and path that replay it.
 */
import { describe, it } from 'vitest';
import { checkHistories } from '../support/history-driver.js';

describe('random histories (short budget)', () => {
  it('keep the workspace, the record and the pull requests in agreement', async () => {
    await checkHistories({
      seed: 18,
      numRuns: 2,
      minSteps: 2,
      maxSteps: 2,
      maxOperations: 2,
      maxFaults: 1,
      replay: 'npx vitest run --project e2e __tests__/e2e/histories.test.ts',
    });
  }, 240_000);
});
