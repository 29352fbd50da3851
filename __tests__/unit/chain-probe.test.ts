import { describe, expect, it } from 'vitest';
import { whyValidationOnly } from '../../src/ververica/chain-probe.js';
import type { Settings } from '../../src/settings.js';

const event = (fromFork: boolean): Settings['event'] => ({ fromFork }) as Settings['event'];

describe('whyValidationOnly', () => {
  it('never asks the chain for a fork, nor when credentials are given as inputs', async () => {
    let asked = 0;
    const probe = async (): Promise<string | undefined> => {
      asked += 1;
      return 'nothing';
    };
    expect(await whyValidationOnly({ event: event(true) }, probe)).toContain('comes from a fork');
    expect(await whyValidationOnly({ event: event(false), credentials: { accessKeyId: 'a', accessKeySecret: 'b' } }, probe)).toBeUndefined();
    expect(asked).toBe(0);
  });

  it('asks the chain otherwise, bounded in time, and passes its failure on', async () => {
    const limits: number[] = [];
    const found = await whyValidationOnly({ event: event(false) }, async (ms) => {
      limits.push(ms);
      return undefined;
    });
    expect(found).toBeUndefined();
    expect(await whyValidationOnly({ event: event(false) }, async () => 'no profile')).toBe('the Alibaba Cloud credential chain found no credentials (no profile)');
    expect(limits).toEqual([10_000]);
  });
});
