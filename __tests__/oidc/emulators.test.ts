/**
 * The local ID-token issuer, STS and test CA on their own, spoken to over the wire.
 */
import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GITHUB_ISSUER, type IdTokenIssuerHandle, startIdTokenIssuer } from '../../src/emulator/id-token.js';
import { type StsEmulatorHandle, startStsEmulator, subjectAllowed } from '../../src/emulator/sts.js';
import { createTestCertificates } from '../../src/emulator/test-ca.js';
import { AUDIENCE, PROVIDER_ARN, REPOSITORY, REQUEST_TOKEN, WRITE_ROLE_ARN } from './setup.js';

const certs = createTestCertificates();
let issuer: IdTokenIssuerHandle;
let sts: StsEmulatorHandle;

beforeAll(async () => {
  issuer = await startIdTokenIssuer({ requestToken: REQUEST_TOKEN, claims: { repository: REPOSITORY, ref: 'refs/heads/main', run_id: '77' } });
  sts = await startStsEmulator({
    tls: certs,
    trustedProviders: { [PROVIDER_ARN]: { issuer: GITHUB_ISSUER, audience: AUDIENCE } },
    roles: { [WRITE_ROLE_ARN]: { providerArn: PROVIDER_ARN, subjectPattern: /^repo:acme\/pipelines:ref:refs\/heads\/main$/, maxSessionDuration: 7200 } },
    verifyToken: (jwt) => issuer.verify(jwt),
  });
});

afterAll(async () => {
  await Promise.all([issuer.close(), sts.close()]);
});

async function idToken(audience?: string, requestToken = REQUEST_TOKEN): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = `${issuer.requestUrl}${audience === undefined ? '' : `&audience=${encodeURIComponent(audience)}`}`;
  const response = await fetch(url, { headers: { authorization: `Bearer ${requestToken}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** An anonymous RPC call the way the credentials library sends it. */
function callSts(params: Record<string, string>, query: Record<string, string> = { Action: 'AssumeRoleWithOIDC', Version: '2015-04-01', Format: 'JSON' }): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = new URLSearchParams(params).toString();
  const [host = '', port = ''] = sts.endpoint.split(':');
  return new Promise((resolve, reject) => {
    const req = request(
      { host, port: Number(port), method: 'POST', path: `/?${new URLSearchParams(query).toString()}`, ca: certs.caCert, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function goodParams(overrides: Record<string, string> = {}): Promise<Record<string, string>> {
  const token = (await idToken(AUDIENCE)).body.value as string;
  return { OIDCProviderArn: PROVIDER_ARN, RoleArn: WRITE_ROLE_ARN, RoleSessionName: 'session-1', DurationSeconds: '3600', OIDCToken: token, ...overrides };
}

describe('ID-token issuer', () => {
  it('issues an RS256 token with the requested audience and GitHub-shaped claims', async () => {
    const { status, body } = await idToken(AUDIENCE);
    expect(status).toBe(200);
    const jwt = body.value as string;
    expect(JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString())).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    const claims = claimsOf(jwt);
    expect(claims).toMatchObject({ iss: GITHUB_ISSUER, aud: AUDIENCE, sub: 'repo:acme/pipelines:ref:refs/heads/main', repository_owner: 'acme', run_id: '77' });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(300);
    expect(issuer.verify(jwt)).toEqual(claims);
  });

  it('defaults the audience to the owner URL, like GitHub', async () => {
    expect(claimsOf((await idToken()).body.value as string).aud).toBe('https://github.com/acme');
  });

  it('refuses a wrong request token', async () => {
    expect((await idToken(AUDIENCE, 'nope')).status).toBe(401);
  });

  it('verify rejects tampered tokens and other algorithms', async () => {
    const jwt = (await idToken(AUDIENCE)).body.value as string;
    const [header, , signature] = jwt.split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claimsOf(jwt), sub: 'repo:evil/x:ref:refs/heads/main' })).toString('base64url')}.${signature}`;
    expect(issuer.verify(tampered)).toBeUndefined();
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${jwt.split('.')[1]}.`;
    expect(issuer.verify(none)).toBeUndefined();
    expect(issuer.verify('not-a-jwt')).toBeUndefined();
  });
});

describe('STS AssumeRoleWithOIDC', () => {
  it('answers with the STS response shape and an expiration the client can parse', async () => {
    const { status, body } = await callSts(await goodParams({ DurationSeconds: '7200' }));
    expect(status).toBe(200);
    expect(body).toMatchObject({
      RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/),
      AssumedRoleUser: { Arn: 'acs:ram::1234567890123456:assumed-role/flink-connectors-apply/session-1', AssumedRoleId: expect.stringMatching(/^\d{17}:session-1$/) },
      OIDCTokenInfo: { Subject: 'repo:acme/pipelines:ref:refs/heads/main', Issuer: GITHUB_ISSUER, ClientIds: AUDIENCE },
      Credentials: { AccessKeyId: expect.stringMatching(/^STS\./), AccessKeySecret: expect.any(String), SecurityToken: expect.any(String) },
    });
    const expiration = (body.Credentials as { Expiration: string }).Expiration;
    expect(expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(expiration) - Date.now()).toBeGreaterThan(7100_000);
  });

  it.each([
    ['a missing parameter', { RoleArn: '' }, 400, 'MissingRoleArn'],
    ['a bad session name', { RoleSessionName: 'has space' }, 400, 'InvalidParameter.RoleSessionName'],
    ['a duration above the role maximum', { DurationSeconds: '7201' }, 400, 'InvalidParameter.DurationSeconds'],
    ['a duration below 15 minutes', { DurationSeconds: '899' }, 400, 'InvalidParameter.DurationSeconds'],
    ['an empty token', { OIDCToken: '' }, 401, 'AuthenticationFail.OIDCToken.Invalid'],
    ['a token that is not a JWT', { OIDCToken: 'abc.def' }, 401, 'AuthenticationFail.OIDCToken.Invalid'],
    ['an unknown provider', { OIDCProviderArn: 'acs:ram::1:oidc-provider/x' }, 401, 'AuthenticationFail.NoPermission'],
    ['an unknown role', { RoleArn: 'acs:ram::1:role/x' }, 404, 'EntityNotExist.Role'],
  ])('refuses %s', async (_label, overrides, status, code) => {
    const response = await callSts(await goodParams(overrides));
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ Code: code, RequestId: expect.any(String), Message: expect.any(String), HostId: sts.endpoint });
  });

  it('refuses a token from another issuer, even with a valid signature', async () => {
    const forged = issuer.sign({ iss: 'https://other.example', aud: AUDIENCE, sub: 'repo:acme/pipelines:ref:refs/heads/main', exp: Math.floor(Date.now() / 1000) + 60 });
    const response = await callSts(await goodParams({ OIDCToken: forged }));
    expect(response).toMatchObject({ status: 401, body: { Code: 'AuthenticationFail.OIDCToken.Invalid', Message: 'Invalid issuer.' } });
  });

  it('refuses another action or version', async () => {
    expect((await callSts(await goodParams(), { Action: 'AssumeRole', Version: '2015-04-01' })).body.Code).toBe('InvalidAction.NotFound');
    expect((await callSts(await goodParams(), { Action: 'AssumeRoleWithOIDC', Version: '2014-01-01' })).body.Code).toBe('InvalidVersion');
  });

  it('records requests without the token', async () => {
    const params = await goodParams();
    await callSts(params);
    const last = sts.requests().at(-1);
    expect(last).toMatchObject({ action: 'AssumeRoleWithOIDC', status: 200, roleArn: WRITE_ROLE_ARN, subject: 'repo:acme/pipelines:ref:refs/heads/main' });
    expect(JSON.stringify(sts.requests())).not.toContain(params.OIDCToken);
  });
});

describe('subject conditions', () => {
  it('match like StringLike for strings and as given for RegExps', () => {
    expect(subjectAllowed('repo:acme/pipelines:*', 'repo:acme/pipelines:pull_request')).toBe(true);
    expect(subjectAllowed('repo:acme/pipelines:*', 'repo:acme/pipelines-fork:pull_request')).toBe(false);
    expect(subjectAllowed('repo:acme/pipelines:ref:refs/heads/main', 'repo:acme/pipelines:ref:refs/heads/main2')).toBe(false);
    expect(subjectAllowed('repo:a.b/c:?', 'repo:a.b/c:x')).toBe(true);
    expect(subjectAllowed('repo:a.b/c:x', 'repo:aXb/c:x')).toBe(false);
    expect(subjectAllowed(/^repo:acme\//, 'repo:acme/x')).toBe(true);
    expect(subjectAllowed(undefined, 'anything')).toBe(true);
  });
});

describe('test CA', () => {
  it('signs a server certificate for the loopback names that chains to the CA', () => {
    const ca = new X509Certificate(certs.caCert);
    const server = new X509Certificate(certs.cert);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkHost('example.com')).toBeUndefined();
    expect(Date.parse(server.validTo)).toBeGreaterThan(Date.now());
  });

  it('gives every call a new CA', () => {
    const other = createTestCertificates({ hosts: ['localhost'] });
    expect(new X509Certificate(certs.cert).verify(new X509Certificate(other.caCert).publicKey)).toBe(false);
  });
});
