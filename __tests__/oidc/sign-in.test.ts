/**
 * Keyless sign-in end to end, in-process: `core.getIDToken` against the local token issuer, the
 * credentials library's OIDC provider against the local STS over TLS, then a real list call
 * signed with the STS credentials. No static key exists anywhere in the environment.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startIdTokenIssuer } from '../../src/emulator/id-token.js';
import { createConnectorApi } from '../../src/ververica/connectors.js';
import { type OidcOptions, OidcSignInError, oidcCredential } from '../../src/ververica/oidc.js';
import { OpenApiUtil } from '../../src/ververica/sdk.js';
import {
  ALIBABA_ENV,
  AUDIENCE,
  NS,
  PROVIDER_ARN,
  READ_ROLE_ARN,
  REPOSITORY,
  REQUEST_TOKEN,
  STS_KEY,
  WRITE_ROLE_ARN,
  WS,
  type OidcWorld,
  patchEnv,
  startOidcWorld,
  trustCaInProcess,
} from './setup.js';

let world: OidcWorld;
let untrust: () => void;
let restoreEnv: () => void;
let tempDir: string;
let stdout: string[];
let masked: string[];

const getIdToken = (audience: string): Promise<string> => core.getIDToken(audience);

function options(overrides: Partial<OidcOptions> = {}): OidcOptions {
  return {
    roleArn: WRITE_ROLE_ARN,
    oidcProviderArn: PROVIDER_ARN,
    roleSessionName: 'github-actions-4242',
    audience: AUDIENCE,
    stsEndpoint: world.sts.endpoint,
    ...overrides,
  };
}

const hooks = () => ({ mask: (secret: string) => masked.push(secret), tempDir });

async function signInError(promise: Promise<unknown>): Promise<OidcSignInError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OidcSignInError);
  return error as OidcSignInError;
}

beforeAll(async () => {
  world = await startOidcWorld();
  untrust = trustCaInProcess(world.certs.caCert);
  restoreEnv = patchEnv({
    ...Object.fromEntries(ALIBABA_ENV.map((name) => [name, undefined])),
    ACTIONS_ID_TOKEN_REQUEST_URL: world.issuer.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
  });
});

afterAll(async () => {
  untrust();
  restoreEnv();
  await world.close();
});

beforeEach(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'oidc-test-'));
  stdout = [];
  masked = [];
  world.issuer.setClaims({ sub: `repo:${REPOSITORY}:ref:refs/heads/main` });
  world.issuer.setLifetime(300);
  // `@actions/core` writes workflow commands (::add-mask::, ::debug::) to stdout: keep them to inspect.
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  // No token file may outlive an exchange, whether it succeeded or not.
  expect(await readdir(tempDir)).toEqual([]);
  await rm(tempDir, { recursive: true, force: true });
});

describe('keyless sign-in', () => {
  it('trades a GitHub ID token for STS credentials that list connectors, with no static key anywhere', async () => {
    for (const name of ALIBABA_ENV) expect(process.env[name]).toBeUndefined();
    const stsBefore = world.sts.requests().length;

    const credential = await oidcCredential(options(), getIdToken, hooks());

    const model = await credential.getCredential();
    expect(model.accessKeyId).toBe(STS_KEY.accessKeyId);
    expect(model.securityToken).toBe(STS_KEY.securityToken);
    const seen = world.sts.requests().slice(stsBefore);
    expect(seen).toEqual([
      expect.objectContaining({
        action: 'AssumeRoleWithOIDC',
        status: 200,
        roleArn: WRITE_ROLE_ARN,
        roleSessionName: 'github-actions-4242',
        subject: `repo:${REPOSITORY}:ref:refs/heads/main`,
        audience: AUDIENCE,
      }),
    ]);

    const api = createConnectorApi({
      config: new OpenApiUtil.Config({ credential, endpoint: world.workspace.endpoint, protocol: 'http' }),
      requestTimeoutMs: 5_000,
      retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
      hooks: { sleep: () => Promise.resolve(), random: () => 0 },
      secrets: [],
    });
    const connectors = await api.list({ workspaceId: WS, namespace: NS });
    expect(connectors.map((c) => c.name)).toEqual(['kafka-orders']);
    expect(world.workspace.stats().calls.ListCustomConnectors).toBeGreaterThanOrEqual(1);
  });

  it('masks the ID token and the STS secrets, and never prints the token otherwise', async () => {
    const tokens: string[] = [];
    await oidcCredential(
      options(),
      async (audience) => {
        const token = await getIdToken(audience);
        tokens.push(token);
        return token;
      },
      hooks(),
    );
    const [token] = tokens;
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(masked).toEqual(expect.arrayContaining([token, STS_KEY.accessKeySecret, STS_KEY.securityToken]));
    const output = stdout.join('');
    expect(output).toContain(`::add-mask::${token}`);
    expect(output.split(`::add-mask::${token}`).join('')).not.toContain(token);
  });

  it('keeps the token on disk only during the exchange, readable by the owner alone', async () => {
    const seen: { path: string; mode: number; content: string }[] = [];
    world.duringExchange = () => {
      for (const entry of readdirSync(tempDir, { recursive: true, withFileTypes: true })) {
        const path = join(entry.parentPath, entry.name);
        seen.push({ path, mode: statSync(path).mode & 0o777, content: entry.isFile() ? readFileSync(path, 'utf8') : '' });
      }
    };
    try {
      await oidcCredential(options(), getIdToken, hooks());
    } finally {
      world.duringExchange = undefined;
    }
    const dir = seen.find((e) => e.content === '');
    const file = seen.find((e) => e.content !== '');
    expect(dir?.mode).toBe(0o700);
    expect(file?.mode).toBe(0o600);
    expect(file?.content).toMatch(/^eyJ/);
  });

  it('reuses the credentials while they are fresh and asks GitHub again for a refresh', async () => {
    const issuedBefore = world.issuer.issued();
    const lasting = await oidcCredential(options(), getIdToken, hooks());
    await lasting.getCredential();
    await lasting.getCredential();
    expect(world.issuer.issued() - issuedBefore).toBe(1);

    // 900 s is within the library's 15-minute refresh margin: every use refreshes.
    const short = await oidcCredential(options({ durationSeconds: 900 }), getIdToken, hooks());
    const afterSignIn = world.issuer.issued();
    const stsAfterSignIn = world.sts.requests().length;
    const results = await Promise.all([1, 2, 3, 4].map(() => short.getCredential()));
    expect(results.every((r) => r.accessKeyId === STS_KEY.accessKeyId)).toBe(true);
    // Concurrent callers share one exchange, made with a new token.
    expect(world.issuer.issued() - afterSignIn).toBe(1);
    expect(world.sts.requests().length - stsAfterSignIn).toBe(1);
  });

  it('a read-only role can trust pull-request runs that the write role refuses', async () => {
    world.issuer.setClaims({ sub: `repo:${REPOSITORY}:pull_request` });
    const credential = await oidcCredential(options({ roleArn: READ_ROLE_ARN }), getIdToken, hooks());
    expect((await credential.getCredential()).accessKeyId).toBe(STS_KEY.accessKeyId);

    const error = await signInError(oidcCredential(options({ roleArn: WRITE_ROLE_ARN }), getIdToken, hooks()));
    expect(error.code).toBe('AuthenticationFail.NoPermission');
  });
});

describe('STS refuses', () => {
  it('a token for another audience', async () => {
    const issuedBefore = world.issued.length;
    const error = await signInError(oidcCredential(options({ audience: 'api://somewhere-else' }), getIdToken, hooks()));
    expect(error.code).toBe('AuthenticationFail.OIDCToken.AudienceNotMatch');
    expect(error.message).toContain('audience "api://somewhere-else" must be a client ID of the OIDC provider');
    expect(error.message).toMatch(/RequestId [0-9A-F-]{36}/);
    expect(world.issued.length).toBe(issuedBefore);
  });

  it('a subject the role does not trust, and says which subject it was', async () => {
    world.issuer.setClaims({ sub: `repo:${REPOSITORY}:ref:refs/heads/feature` });
    const error = await signInError(oidcCredential(options(), getIdToken, hooks()));
    expect(error.code).toBe('AuthenticationFail.NoPermission');
    expect(error.message).toContain(`sub "repo:${REPOSITORY}:ref:refs/heads/feature"`);
    expect(error.message).toContain("trust policy");
  });

  it('an expired token', async () => {
    world.issuer.setLifetime(-3600);
    const error = await signInError(oidcCredential(options(), getIdToken, hooks()));
    expect(error.code).toBe('AuthenticationFail.OIDCToken.Expired');
  });

  it('a token signed by another issuer key', async () => {
    const impostor = await startIdTokenIssuer({ requestToken: 'x', claims: { repository: REPOSITORY, ref: 'refs/heads/main' } });
    try {
      const forged = impostor.sign({ iss: world.issuer.issuer, aud: AUDIENCE, sub: `repo:${REPOSITORY}:ref:refs/heads/main`, exp: Math.floor(Date.now() / 1000) + 300 });
      const error = await signInError(oidcCredential(options(), () => Promise.resolve(forged), hooks()));
      expect(error.code).toBe('AuthenticationFail.OIDCToken.InvalidSignature');
      expect(error.message).not.toContain(forged);
    } finally {
      await impostor.close();
    }
  });

  it('an unknown role or OIDC provider', async () => {
    const role = await signInError(oidcCredential(options({ roleArn: 'acs:ram::1234567890123456:role/nope' }), getIdToken, hooks()));
    expect(role.code).toBe('EntityNotExist.Role');
    const provider = await signInError(
      oidcCredential(options({ oidcProviderArn: 'acs:ram::1234567890123456:oidc-provider/nope' }), getIdToken, hooks()),
    );
    expect(provider.code).toBe('AuthenticationFail.NoPermission');
    expect(provider.message).toContain('Check oidc-provider-arn');
  });
});

describe('sign-in fails early and clearly', () => {
  it('without id-token permission (no request URL), before calling STS', async () => {
    const stsBefore = world.sts.requests().length;
    const restore = patchEnv({ ACTIONS_ID_TOKEN_REQUEST_URL: undefined });
    try {
      const error = await signInError(oidcCredential(options(), getIdToken, hooks()));
      expect(error.message).toContain('id-token: write');
      expect(error.code).toBeUndefined();
    } finally {
      restore();
    }
    expect(world.sts.requests().length).toBe(stsBefore);
  });

  it('when the token service refuses the request token', async () => {
    const restore = patchEnv({ ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'wrong-request-token' });
    try {
      const error = await signInError(oidcCredential(options(), getIdToken, hooks()));
      expect(error.message).toMatch(/could not get an ID token/);
    } finally {
      restore();
    }
  });

  it('when the STS certificate is not trusted', async () => {
    untrust();
    try {
      const error = await signInError(oidcCredential(options(), getIdToken, hooks()));
      expect(error.message).toContain(`AssumeRoleWithOIDC at https://${world.sts.endpoint}/ failed`);
      expect(error.message).toMatch(/certificate/i);
    } finally {
      untrust = trustCaInProcess(world.certs.caCert);
    }
  });

  it('on invalid options, without asking for a token', async () => {
    let asked = false;
    const fetch = (): Promise<string> => {
      asked = true;
      return Promise.resolve('unused');
    };
    const error = await signInError(
      oidcCredential(options({ stsEndpoint: 'http://127.0.0.1:1', roleSessionName: 'a b', roleArn: 'role' }), fetch, hooks()),
    );
    expect(error.message).toContain('must use HTTPS');
    expect(error.message).toContain('role-session-name');
    expect(error.message).toContain('role-arn');
    expect(asked).toBe(false);
  });
});
