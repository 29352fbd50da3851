/**
 * Random histories, long budget (`npm run test:histories`, also part of `npm run test:long`): more and
 * longer histories than `npm test` plays, with up to three faults per pull request. Seeded; set
 * HISTORY_SEED (and HISTORY_PATH) to replay a failure, HISTORY_RUNS to play more, HISTORY_FAULTS to draw
 * from some fault kinds only, HISTORY_SHRINK=1 to let fast-check shrink a failure (slow: every
 * candidate is a whole history of real runs).
 */
import { describe, it } from 'vitest';
import { checkHistories } from '../support/history-driver.js';

describe('random histories (long budget)', () => {
  it('keep the workspace, the record and the pull requests in agreement', async () => {
    await checkHistories({
      seed: 1818,
      numRuns: 8,
      minSteps: 3,
      maxSteps: 5,
      maxOperations: 3,
      maxFaults: 3,
      replay: 'npm run test:histories',
    });
  }, 60 * 60_000);
});
