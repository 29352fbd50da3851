/**
 * A local stand-in for the GitHub Actions ID-token service: what `core.getIDToken(audience)` talks
 * to through `ACTIONS_ID_TOKEN_REQUEST_URL` / `ACTIONS_ID_TOKEN_REQUEST_TOKEN`.
 *
 * Like the real service it answers `GET <url>&audience=<aud>` carrying
 * `Authorization: Bearer <request token>` with `{ count, value: <JWT> }`, the JWT signed RS256
 * with a key of its own whose public half it publishes as JWKS. `verify` is what a relying party
 * (the local STS) uses in place of fetching that JWKS.
 */
import { createSign, createVerify, generateKeyPairSync, randomUUID, timingSafeEqual, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { listen, sendJson } from './http.js';

/** GitHub's issuer; what a RAM OIDC provider for Actions is configured with. */
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** The claims of a GitHub Actions ID token that trust policies usually look at. */
export interface IdTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
  repository: string;
  repository_owner: string;
  ref: string;
  [claim: string]: unknown;
}

export interface IdTokenIssuerOptions {
  /** The bearer token callers must present (`ACTIONS_ID_TOKEN_REQUEST_TOKEN`). */
  readonly requestToken: string;
  /**
   * Claims of the tokens issued. `sub` defaults to `repo:<repository>:ref:<ref>`, the form GitHub
   * uses for push events; pass e.g. `repo:acme/pipelines:pull_request` to act as a PR run.
   */
  readonly claims: { repository: string; ref: string; sub?: string; [claim: string]: unknown };
  /** Default `https://token.actions.githubusercontent.com`. */
  readonly issuer?: string;
  /** Lifetime of issued tokens; negative makes them born expired. Default 300. */
  readonly lifetimeSeconds?: number;
  /** Clock, in ms; default `Date.now`. */
  readonly now?: () => number;
  readonly host?: string;
  readonly port?: number;
}

export interface IdTokenIssuerHandle {
  /** `http://HOST:PORT` */
  readonly url: string;
  /**
   * The value for `ACTIONS_ID_TOKEN_REQUEST_URL`. Like the real one it already has a query string,
   * because `@actions/core` appends `&audience=...` to it.
   */
  readonly requestUrl: string;
  readonly issuer: string;
  /** Replaces some claims of the tokens issued from now on (e.g. another `sub`). */
  setClaims(claims: Partial<IdTokenClaims>): void;
  setLifetime(seconds: number): void;
  /** Signs arbitrary claims with the issuer's key, for tests of tokens the service would never issue. */
  sign(claims: Record<string, unknown>): string;
  /** The claims of a token this issuer signed, or undefined (bad signature, malformed, other algorithm). No time or audience checks. */
  verify(jwt: string): Record<string, unknown> | undefined;
  /** The public key set, as served at `/.well-known/jwks`. */
  jwks(): { keys: Record<string, unknown>[] };
  /** Token requests answered with a token. */
  issued(): number;
  close(): Promise<void>;
}

export async function startIdTokenIssuer(options: IdTokenIssuerOptions): Promise<IdTokenIssuerHandle> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const issuer = options.issuer ?? GITHUB_ISSUER;
  const now = options.now ?? Date.now;
  let lifetimeSeconds = options.lifetimeSeconds ?? 300;
  let overrides: Partial<IdTokenClaims> = {};
  let issuedCount = 0;

  const sign = (claims: Record<string, unknown>): string => signJwt(claims, privateKey, kid);
  const jwks = () => ({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] });

  const mint = (audience: string | undefined): string => {
    const iat = Math.floor(now() / 1000);
    const { repository, ref } = options.claims;
    const owner = repository.split('/')[0] ?? repository;
    const claims: Record<string, unknown> = {
      jti: randomUUID(),
      sub: `repo:${repository}:ref:${ref}`,
      // Without an audience GitHub uses the owner's URL.
      aud: audience ?? `https://github.com/${owner}`,
      repository_owner: owner,
      ...options.claims,
      ...overrides,
      iss: overrides.iss ?? issuer,
      nbf: overrides.nbf ?? iat - 5,
      iat: overrides.iat ?? iat,
      exp: overrides.exp ?? iat + lifetimeSeconds,
    };
    if (audience !== undefined && overrides.aud === undefined) claims.aud = audience;
    issuedCount++;
    return sign(claims);
  };

  const server = createServer((req, res) => {
    const reply = route(req, options.requestToken, mint, jwks, issuer);
    sendJson(res, reply.status, reply.body);
  });
  const url = `http://${await listen(server, options.host ?? '127.0.0.1', options.port ?? 0)}`;

  return {
    url,
    requestUrl: `${url}/_apis/distributedtask/idtoken?api-version=2.0`,
    issuer,
    setClaims: (claims) => {
      overrides = { ...overrides, ...claims };
    },
    setLifetime: (seconds) => {
      lifetimeSeconds = seconds;
    },
    sign,
    verify: (jwt) => verifyJwt(jwt, publicKey),
    jwks,
    issued: () => issuedCount,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function route(
  req: IncomingMessage,
  requestToken: string,
  mint: (audience: string | undefined) => string,
  jwks: () => unknown,
  issuer: string,
): { status: number; body: unknown } {
  const url = new URL(req.url ?? '/', 'http://local');
  if (req.method !== 'GET') return { status: 405, body: { message: 'Method not allowed' } };
  if (url.pathname === '/.well-known/jwks') return { status: 200, body: jwks() };
  if (url.pathname === '/.well-known/openid-configuration') {
    return { status: 200, body: { issuer, jwks_uri: `${issuer}/.well-known/jwks`, id_token_signing_alg_values_supported: ['RS256'] } };
  }
  if (url.pathname !== '/_apis/distributedtask/idtoken') return { status: 404, body: { message: 'Not found' } };
  if (!bearerMatches(req.headers.authorization, requestToken)) {
    return { status: 401, body: { message: 'The request token is missing or invalid.' } };
  }
  const audience = url.searchParams.get('audience') ?? undefined;
  return { status: 200, body: { count: 1, value: mint(audience) } };
}

function bearerMatches(header: string | undefined, expected: string): boolean {
  const match = /^Bearer (.+)$/.exec(header ?? '');
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1]);
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

function signJwt(claims: Record<string, unknown>, key: KeyObject, kid: string): string {
  const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid }));
  const payload = base64url(JSON.stringify(claims));
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(key);
  return `${header}.${payload}.${signature.toString('base64url')}`;
}

/** The claims of an RS256 JWT whose signature `publicKey` verifies, else undefined. */
export function verifyJwt(jwt: string, publicKey: KeyObject): Record<string, unknown> | undefined {
  const parts = jwt.split('.');
  if (parts.length !== 3) return undefined;
  const [header = '', payload = '', signature = ''] = parts;
  const parsedHeader = parseJson(header);
  // Only RS256: accepting the header's word for the algorithm is the classic `alg: none` hole.
  if (parsedHeader?.alg !== 'RS256') return undefined;
  const valid = createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(publicKey, Buffer.from(signature, 'base64url'));
  return valid ? parseJson(payload) : undefined;
}

function parseJson(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

