import { describe, expect, it } from 'vitest';
import { CloudError, RAW_BODY, answerError, toCloudError } from '../../src/ververica/errors.js';
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
    const error = answerError('RegisterCustomConnector', 200, { success: false, httpCode: 200, errorCode: 'JarNotFound', errorMessage: 'no JAR at oss://b/x.jar', requestId: 'R1' }, []);
    expect(error.kind).toBe('business');
    expect(error.transient).toBe(false);
    expect(error.message).toBe('RegisterCustomConnector was refused: JarNotFound: no JAR at oss://b/x.jar (request R1)');
  });
});

describe('one classification, whatever the body', () => {
  const html = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n::error::x\r\n</body>\r\n</html>\r\n';

  it.each([
    ['a gateway HTML page', 502, { [RAW_BODY]: html }, 'unavailable', `List failed: HTTP 502 (an HTML page of ${html.length} bytes instead of the service's JSON; not shown)`],
    ['an empty body', 503, { [RAW_BODY]: '' }, 'unavailable', 'List failed: HTTP 503 (empty body)'],
    ['the envelope on a 400', 400, { requestId: 'R2', success: false, httpCode: 400, errorCode: 'ConnectorJarInvalid', errorMessage: 'bad jar' }, 'client', 'List failed: HTTP 400 ConnectorJarInvalid: bad jar (request R2)'],
    ['the gateway JSON on a 503', 503, { RequestId: 'R3', Code: 'ServiceUnavailable', Message: 'busy' }, 'unavailable', 'List failed: HTTP 503 ServiceUnavailable: busy (request R3)'],
    ['success: false with a 5xx httpCode on a 200', 200, { requestId: 'R4', success: false, httpCode: 503, errorCode: 'InternalError', errorMessage: 'try later' }, 'unavailable', 'List was refused: InternalError (httpCode 503): try later (request R4)'],
    ['a throttling code on a 200', 200, { success: false, httpCode: 200, errorCode: 'Throttling.User', errorMessage: 'slow down' }, 'throttled', 'List was refused: Throttling.User: slow down'],
    ['an HTML page on a 200', 200, { [RAW_BODY]: '<html>hi</html>' }, 'business', "List failed: HTTP 200 (an HTML page of 15 bytes instead of the service's JSON; not shown)"],
  ] as const)('%s', (_what, status, body, kind, message) => {
    const error = answerError('List', status, body, []);
    expect(error.kind).toBe(kind);
    expect(error.message).toBe(message);
    expect(error.message).not.toContain('\n');
  });

  it('says which failures may hide a done mutation', () => {
    expect(answerError('Register', 500, { Code: 'InternalError' }, []).ambiguous).toBe(true);
    expect(answerError('Register', 429, { Code: 'Throttling' }, []).ambiguous).toBe(false);
    expect(answerError('Register', 400, { Code: 'Bad' }, []).ambiguous).toBe(false);
    expect(toCloudError({ code: 'ECONNRESET', message: 'socket hang up' }, 'Register', []).ambiguous).toBe(true);
    expect(toCloudError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 'Register', []).ambiguous).toBe(false);
    expect(toCloudError({ code: 'ConnectTimeout', message: 'ConnectTimeout: no connection within 10000 ms' }, 'Register', []).ambiguous).toBe(false);
    expect(toCloudError({ name: 'RequestTimeoutError', message: 'ReadTimeout' }, 'Register', []).ambiguous).toBe(true);
    expect(answerError('Register', 200, { success: false, errorCode: 'ConnectorTypeAlreadyExists', errorMessage: 'x' }, []).alreadyExists).toBe(true);
  });

  it('redacts the query of a URL the runtime echoes', () => {
    const error = toCloudError({ code: 'ECONNRESET', message: 'socket hang up POST http://h/api/v2/namespaces/n/connectors%3Aregister?jarUrl=https%3A%2F%2Fb%2Fk.jar%3FSignature%3Dabc failed.' }, 'Register', []);
    expect(error.message).not.toContain('Signature');
    expect(error.message).toContain('jarUrl=[redacted]');
    expect(scrub('https://b.oss.aliyuncs.com/k.jar?OSSAccessKeyId=LTAI1&Expires=1&Signature=c2ln%3D&security-token=tok')).toBe(
      'https://b.oss.aliyuncs.com/k.jar?OSSAccessKeyId=[redacted]&Expires=1&Signature=[redacted]&security-token=[redacted]',
    );
  });
});

describe('messages that read as sentences, scrubbed before they are cut', () => {
  it('separates a transport error from the request the HTTP library appends to it', () => {
    const error = toCloudError({ code: 'ECONNRESET', message: 'socket hang upGET http://127.0.0.1:9/api/v2/connectors failed.' }, 'List', []);
    expect(error.message).toBe('List failed: connection error (ECONNRESET): socket hang up: GET http://127.0.0.1:9/api/v2/connectors failed.');
    const dns = toCloudError({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND hostGET https://host/ failed.' }, 'List', []);
    expect(dns.message).toContain('getaddrinfo ENOTFOUND host: GET https://host/ failed.');
  });

  it('quotes the credential library as a quote, after a sentence of our own saying what to set', () => {
    const sdk = 'unable to get credentials from any of the providers in the chain: unable to get credentials from enviroment variables, getaddrinfo ENOTFOUND undefinedGET https://undefined/ failed.';
    const error = toCloudError(new Error(sdk), 'ListCustomConnectors', []);
    expect(error.message).toMatch(/^ListCustomConnectors failed: no Alibaba Cloud credentials were found, so nothing was sent to the API\. To give the run credentials, set the inputs `access-key-id` and `access-key-secret`/);
    expect(error.message).toContain('The credential library said: "unable to get credentials from any of the providers in the chain: unable to get credentials from enviroment variables, getaddrinfo ENOTFOUND undefined: GET https://undefined/ failed."');
  });

  it('scrubs a secret that a cut would have split', () => {
    const secret = 'CAISlongSecurityToken0123456789abcdefghijklmnopqrstuvwxyz';
    const detail = `${'x'.repeat(980)} ${secret}`;
    const error = answerError('List', 400, { Code: 'Bad', Message: detail }, [secret]);
    expect(error.message).not.toContain(secret.slice(0, 12));
    const echoed = answerError('List', 400, { Code: 'Bad', Message: `token ${encodeURIComponent('a+b/c=' + secret)}` }, ['a+b/c=' + secret]);
    expect(echoed.message).toBe('List failed: HTTP 400 Bad: token [redacted]');
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
