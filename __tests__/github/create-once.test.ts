import { describe, expect, it } from 'vitest';
import { createOnce } from '../../src/github/create-once.js';

const failure = (status?: number): Error => Object.assign(new Error(`HTTP ${status ?? 'none'}`), status === undefined ? {} : { status });
const noSleep = { sleep: async () => undefined };

describe('createOnce', () => {
  it('after an answer that may hide a done write, returns what the lookup finds and does not create again', async () => {
    let creates = 0;
    const made = await createOnce(
      async () => {
        creates++;
        throw failure(502);
      },
      async () => 'the comment',
      noSleep,
    );
    expect(made).toBe('the comment');
    expect(creates).toBe(1);
  });

  it('creates again when the lookup finds nothing, up to the attempts', async () => {
    let creates = 0;
    let lookups = 0;
    await expect(
      createOnce(
        async () => {
          creates++;
          throw failure();
        },
        async () => {
          lookups++;
          return undefined;
        },
        { attempts: 3, ...noSleep },
      ),
    ).rejects.toThrow('HTTP none');
    expect([creates, lookups]).toEqual([3, 2]);
  });

  it('never retries a refusal', async () => {
    let creates = 0;
    await expect(
      createOnce(
        async () => {
          creates++;
          throw failure(422);
        },
        async () => 'x',
        noSleep,
      ),
    ).rejects.toThrow('HTTP 422');
    expect(creates).toBe(1);
  });
});
