import { describe, expect, it } from 'vitest';
import { scrub, urlCredential } from '../../src/secrets.js';
import { type Reporter, scrubbingReporter } from '../../src/pipeline/reporter.js';

const JAR = 'https://artifacts.example.com/k.jar';

describe('urlCredential: a credential in a URL is found, and not shown', () => {
  it.each([
    ['a token parameter', `${JAR}?token=abc123def`, '`token`'],
    ['an access_token parameter', `${JAR}?v=1&access_token=abc123def`, '`access_token`'],
    ['a private_token parameter', `${JAR}?private_token=abc123def`, '`private_token`'],
    ['an access_token in the fragment', `${JAR}#access_token=abc123def`, '`access_token`'],
    ['a GCS V4 signature', `${JAR}?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=sa%40p.iam&X-Goog-Signature=00ff`, '`x-goog-'],
    ['an encoded parameter name', `${JAR}?access%5Ftoken=abc123def`, '`access_token`'],
    ['a GitHub token', `${JAR}?v=ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789`, 'a GitHub token'],
    ['a fine-grained GitHub token', `${JAR}?x=github_pat_11ABCDEFG0123456789_abcdefghijklmnop`, 'a GitHub token'],
    ['a GitLab token', `${JAR}?x=glpat-abcdefghij0123456789`, 'a GitLab token'],
    ['a Slack token', `${JAR}?x=xoxb-123456789012-abcdefgh`, 'a Slack token'],
    ['an AWS key ID', `${JAR}?id=AKIAIOSFODNN7EXAMPLE`, 'an AWS access key ID'],
    ['an Alibaba Cloud STS token', `${JAR}?t=CAISabcdefghijklmnopqrstuvwxyz0123`, 'an Alibaba Cloud STS credential'],
    ['a JWT', `${JAR}?t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl`, 'a JSON Web Token'],
    ['a bearer token', `${JAR}?h=Bearer%20abcdefghijklmnop0123`, 'a bearer token'],
  ])('%s', (_name, url, what) => {
    const found = urlCredential(url);
    expect(found).toContain(what);
    expect(found).not.toContain('abc123def');
  });

  it.each([JAR, `${JAR}?version=1.2`, 'oss://bucket/path/k.jar', `${JAR}#readme`])('%s carries none', (url) => {
    expect(urlCredential(url)).toBeUndefined();
  });
});

describe('scrub', () => {
  const SECRET = 'CAISsts+Token/Value=0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

  it('redacts the URL, HTML, JSON and base64 spellings of a secret', () => {
    const forms = [
      encodeURIComponent(SECRET),
      SECRET.replace(/\+/g, '&#43;').replace(/\//g, '&#47;').replace(/=/g, '&#61;'),
      JSON.stringify(SECRET).slice(1, -1).replace(/\//g, '\\/').replace(/\+/g, '\\u002b'),
      Buffer.from(`a${SECRET}`).toString('base64'),
      Buffer.from(SECRET).toString('base64'),
      Buffer.from(`ab${SECRET}`).toString('base64url'),
    ];
    for (const form of forms) {
      const out = scrub(`echo: ${form} end`, [SECRET]);
      expect(out, form).not.toContain(form);
      // No long piece of the secret survives.
      expect(out.replace(/\[redacted\]/g, '').length, form).toBeLessThan(`echo:  end`.length + 12);
    }
  });

  it('redacts token shapes and credential parameters it was never told about', () => {
    const text = `GET ${JAR}?token=s3cr3tValue&v=1 with ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 and glpat-abcdefghij0123456789 and #access_token=xyz`;
    const out = scrub(text);
    for (const secret of ['s3cr3tValue', 'ghp_ABCD', 'glpat-abc', 'xyz']) expect(out).not.toContain(secret);
    expect(out).toContain('?token=[redacted]&v=1');
  });
});

describe('scrubbingReporter', () => {
  it('scrubs every message, place, output and summary on its way out, with the secrets known at that moment', async () => {
    const seen: string[] = [];
    const record = (...parts: unknown[]): void => void seen.push(JSON.stringify(parts));
    const inner: Reporter = {
      info: record, notice: record, warning: record, error: record, startGroup: record, endGroup: () => undefined,
      setOutput: record, summary: async (m) => record(m), setFailed: record, progress: record,
    };
    const secrets: string[] = [];
    const out = scrubbingReporter(inner, secrets);
    secrets.push('signed-In-Secret-77');
    const leak = 'signed-In-Secret-77 ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 https://h/k.jar?token=abc';
    out.info(leak);
    out.notice(leak, { file: leak });
    out.warning(leak);
    out.error(leak, { file: 'a.yaml', startLine: 1 });
    out.startGroup(leak);
    out.setOutput('plan-json', JSON.stringify({ jarUrl: leak }));
    await out.summary(leak);
    out.setFailed(leak);
    out.progress?.('ws/ns', leak);
    expect(seen).toHaveLength(9);
    for (const line of seen) {
      expect(line).not.toMatch(/signed-In-Secret-77|ghp_|token=abc/);
      expect(line).toContain('[redacted]');
    }
  });
});
