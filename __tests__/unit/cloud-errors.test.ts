import { describe, expect, it } from 'vitest';
import { CloudError, businessError, toCloudError } from '../../src/ververica/errors.js';
import { DEFAULT_RETRY_POLICY, retryDelay, withRetry } from '../../src/ververica/retry.js';
import { scrub } from '../../src/secrets.js';

describe('toCloudError', () => {
  it('classifies throttling, server, client and network failures', () => {
    expect(toCloudError({ statusCode: 429, code: 'Throttling.User', retryAfter: 1500 }, 'List', []).kind).toBe('throttled');
    expect(toCloudError({ statusCode: 400, data: { Code: 'Throttling.Api' } }, 'List', []).kind).toBe('throttled');
    expect(toCloudError({ statusCode: 503, code: 'ServiceUnavailable' }, 'List', []).kind).toBe('unavailable');
    expect(toCloudError({ statusCode: 403, code: 'SignatureDoesNotMatch' }, 'List', []).kind).toBe('client');
    expect(toCloudError({ code: 'ECONNRESET', message: 'socket hang up' }, 'List', []).kind).toBe('network');
    expect(toCloudError({ name: 'RequestTimeoutError', message: 'ReadTimeout: 30000' }, 'List', []).kind).toBe('timeout');
    expect(toCloudError({ statusCode: 429, code: 'Throttling', retryAfter: 1500 }, 'List', []).retryAfterMs).toBe(1500);
  });

  it('scrubs authorization material and known secrets from messages', () => {
    const error = toCloudError(
      { message: 'failed: Authorization: ACS3-HMAC-SHA256 Credential=LTAIxyz,SignedHeaders=host,Signature=deadbeef01 x-acs-security-token: tok123456 secret-abcdef' },
      'List',
      ['secret-abcdef'],
    );
    expect(error.message).not.toContain('deadbeef01');
    expect(error.message).not.toContain('tok123456');
    expect(error.message).not.toContain('secret-abcdef');
    expect(error.message).not.toContain('LTAIxyz');
  });

  it('shows business errors verbatim, code and message', () => {
    const error = businessError('RegisterCustomConnector', { errorCode: 'JarNotFound', errorMessage: 'no JAR at oss://b/x.jar', requestId: 'R1' }, []);
    expect(error.kind).toBe('business');
    expect(error.transient).toBe(false);
    expect(error.message).toBe('RegisterCustomConnector was refused: JarNotFound: no JAR at oss://b/x.jar (request R1)');
  });
});

describe('retry', () => {
  const transient = new CloudError('busy', 'unavailable', 'ServiceUnavailable', 'List', 503);

  it('backs off exponentially with jitter, honours retry-after, and stops after maxRetries', () => {
    const policy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(retryDelay(transient, 1, policy, () => 1)).toBe(100);
    expect(retryDelay(transient, 2, policy, () => 1)).toBe(200);
    expect(retryDelay(transient, 3, policy, () => 0)).toBe(200);
    expect(retryDelay(transient, 4, policy, () => 1)).toBeUndefined();
    const throttled = new CloudError('slow down', 'throttled', 'Throttling', 'List', 429, undefined, 700);
    expect(retryDelay(throttled, 1, policy, () => 0)).toBe(700);
    expect(retryDelay(new CloudError('no', 'client', 'Forbidden', 'List', 403), 1, policy, () => 0)).toBeUndefined();
  });

  it('retries transient failures and gives up on definite ones', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const value = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw transient;
        return 'ok';
      },
      (e) => e as CloudError,
      DEFAULT_RETRY_POLICY,
      { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
    );
    expect(value).toBe('ok');
    expect(calls).toBe(3);
    expect(sleeps).toHaveLength(2);

    let definite = 0;
    await expect(
      withRetry(
        async () => {
          definite++;
          throw new CloudError('bad', 'business', 'X', 'List', 200);
        },
        (e) => e as CloudError,
        DEFAULT_RETRY_POLICY,
        { sleep: async () => undefined, random: () => 0.5 },
      ),
    ).rejects.toThrow('bad');
    expect(definite).toBe(1);
  });
});

describe('scrub', () => {
  it('removes every secret, longest first', () => {
    expect(scrub('a-secret-b and a-secret', ['a-secret', 'a-secret-b'])).toBe('[redacted] and [redacted]');
  });
});
