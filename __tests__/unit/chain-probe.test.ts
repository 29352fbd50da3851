import { describe, expect, it } from 'vitest';
import { checkCredentials } from '../../src/ververica/chain-probe.js';
import type { Settings } from '../../src/settings.js';

const event = (fromFork: boolean, fromDependabot = false): Settings['event'] => ({ fromFork, fromDependabot }) as Settings['event'];
const SDK = 'unable to get credentials from any of the providers in the chain: unable to get credentials from enviroment variables';

describe('checkCredentials', () => {
  it('never asks the chain for a fork, nor when credentials are given as inputs', async () => {
    let asked = 0;
    const probe = async (): Promise<string | undefined> => {
      asked += 1;
      return 'nothing';
    };
    expect(await checkCredentials({ event: event(true) }, true, probe)).toEqual({ validationOnly: expect.stringContaining('comes from a fork') });
    expect(await checkCredentials({ event: event(false), credentials: { accessKeyId: 'a', accessKeySecret: 'b' } }, true, probe)).toEqual({ ok: true });
    expect(asked).toBe(0);
  });

  it('asks the chain otherwise, bounded in time', async () => {
    const limits: number[] = [];
    const found = await checkCredentials({ event: event(false) }, true, async (ms) => {
      limits.push(ms);
      return undefined;
    });
    expect(found).toEqual({ ok: true });
    expect(limits).toEqual([10_000]);
  });

  it('a same-repository pull request, or any other run, without credentials is a mistake: it names what to set and quotes the library', async () => {
    for (const pullRequest of [true, false]) {
      const check = await checkCredentials({ event: event(false) }, pullRequest, async () => SDK);
      expect(check).toEqual({ missing: expect.stringContaining('`access-key-id` and `access-key-secret`') });
      const message = 'missing' in check ? check.missing : '';
      expect(message).toMatch(/^no Alibaba Cloud credentials were found, so nothing was sent to the API\. To give the run credentials, set /);
      // The library's words are a quote, typo included, after our own sentences.
      expect(message).toContain(`The credential library said: "${SDK}"`);
    }
  });

  it('a pull request from Dependabot without credentials is validated only', async () => {
    expect(await checkCredentials({ event: event(false, true) }, true, async () => SDK)).toEqual({ validationOnly: expect.stringContaining('Dependabot') });
    expect(await checkCredentials({ event: event(false, true) }, true, async () => undefined)).toEqual({ ok: true });
  });

  it('names what the command line sets, when it runs', async () => {
    const check = await checkCredentials({ event: event(false), cloudAccess: 'set ALIBABA_CLOUD_ACCESS_KEY_ID' }, false, async () => SDK);
    expect(check).toEqual({ missing: expect.stringContaining('To give the run credentials, set ALIBABA_CLOUD_ACCESS_KEY_ID.') });
  });
});
