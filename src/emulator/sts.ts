/**
 * A local stand-in for Alibaba Cloud STS serving `AssumeRoleWithOIDC`, the call the credentials
 * library makes to trade an OIDC token for temporary credentials of a RAM role.
 *
 * Wire behaviour follows the service: an anonymous RPC call (`POST /?Action=...&Version=2015-04-01
 * &Format=JSON`, parameters in a form body), the success body
 * `{RequestId, AssumedRoleUser, OIDCTokenInfo, Credentials}`, and error bodies
 * `{RequestId, HostId, Code, Message, Recommend}` with the codes and HTTP statuses of STS's
 * published error list (`AuthenticationFail.OIDCToken.*` and `AuthenticationFail.NoPermission`
 * are 401). The client only speaks HTTPS, so pass `tls` (see `test-ca.ts`).
 *
 * The RAM side is reduced to what the exchange checks: OIDC providers (issuer + client IDs) and
 * roles trusting one provider, optionally only for matching `sub` claims.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { listen, readBody, sendJson } from './http.js';

export const STS_VERSION = '2015-04-01';

/** An OIDC provider registered in RAM. */
export interface TrustedProvider {
  /** The issuer URL the provider is registered with; the token's `iss` must equal it. */
  readonly issuer: string;
  /** The provider's client IDs; the token's `aud` must contain one. */
  readonly audience: string | readonly string[];
}

/** A RAM role whose trust policy names one OIDC provider. */
export interface RoleTrust {
  readonly providerArn: string;
  /**
   * Condition on `oidc:sub`. A string is matched like a `StringLike` condition (`*` any run of
   * characters, `?` one character); a RegExp as is. Absent: any subject of the provider.
   */
  readonly subjectPattern?: RegExp | string;
  /** The role's maximum session duration in seconds; default 3600, as in RAM. */
  readonly maxSessionDuration?: number;
}

export interface StsCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken: string;
  /** `YYYY-MM-DDTHH:MM:SSZ`, the form STS sends (and the only forms the client parses). */
  readonly expiration: string;
}

/** What an accepted request asked for, for `issue` and `onIssue`. */
export interface IssueContext {
  readonly roleArn: string;
  readonly providerArn: string;
  readonly roleSessionName: string;
  readonly durationSeconds: number;
  readonly claims: Readonly<Record<string, unknown>>;
}

export interface StsEmulatorOptions {
  readonly host?: string;
  readonly port?: number;
  /** PEM key and certificate; without them the server speaks plain HTTP, which the real client refuses to use. */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** OIDC provider ARN -> provider. */
  readonly trustedProviders: Readonly<Record<string, TrustedProvider>>;
  /** Role ARN -> trust. */
  readonly roles: Readonly<Record<string, RoleTrust>>;
  /** Checks the token's signature and returns its claims, or undefined. Time, issuer and audience are checked here. */
  readonly verifyToken: (jwt: string) => Record<string, unknown> | undefined;
  /** Chooses the credentials to hand out (so a test can configure other servers up front); default random. */
  readonly issue?: (context: IssueContext) => Omit<StsCredentials, 'expiration'> & { expiration?: string };
  /** Called with every set of credentials handed out. */
  readonly onIssue?: (credentials: StsCredentials, context: IssueContext) => void;
  /** Clock in ms; default `Date.now`. */
  readonly now?: () => number;
}

/** One request as STS saw it. Never holds the token itself. */
export interface StsRequestRecord {
  readonly action: string;
  readonly status: number;
  readonly code?: string;
  readonly roleArn?: string;
  readonly roleSessionName?: string;
  /** `sub` and `aud` of the token, when its signature verified. */
  readonly subject?: string;
  readonly audience?: string;
}

export interface StsEmulatorHandle {
  /** `https://HOST:PORT` (or `http://` without TLS). */
  readonly url: string;
  /** `HOST:PORT`: the client's `stsEndpoint`. */
  readonly endpoint: string;
  requests(): readonly StsRequestRecord[];
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;
const CLOCK_SKEW_SECONDS = 60;
const ROLE_SESSION_NAME = /^[A-Za-z0-9._@-]{2,64}$/;
const ROLE_ARN = /^acs:ram::(\d+):role\/(.+)$/i;

class StsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startStsEmulator(options: StsEmulatorOptions): Promise<StsEmulatorHandle> {
  const log: StsRequestRecord[] = [];
  const now = options.now ?? Date.now;

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    readBody(req, MAX_BODY_BYTES)
      .then((body) => {
        const requestId = randomUUID().toUpperCase();
        const params = parameters(req.url ?? '/', body);
        const record: { -readonly [K in keyof StsRequestRecord]: StsRequestRecord[K] } = {
          action: params.get('Action') ?? '',
          status: 200,
          roleArn: params.get('RoleArn') ?? undefined,
          roleSessionName: params.get('RoleSessionName') ?? undefined,
        };
        try {
          if (body === undefined) throw new StsError(413, 'RequestEntityTooLarge', 'The request body is too large.');
          const answer = assumeRoleWithOidc(req.method ?? 'GET', params, options, now, (claims) => {
            record.subject = typeof claims.sub === 'string' ? claims.sub : undefined;
            record.audience = audiences(claims.aud).join(',');
          });
          sendJson(res, 200, { RequestId: requestId, ...answer }, 'application/json;charset=utf-8');
        } catch (error) {
          const failure = error instanceof StsError ? error : new StsError(500, 'InternalError', 'The request processing has failed due to some unknown error.');
          record.status = failure.status;
          record.code = failure.code;
          sendJson(res, failure.status, {
            RequestId: requestId,
            HostId: req.headers.host ?? 'sts.aliyuncs.com',
            Code: failure.code,
            Message: failure.message,
            Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(failure.code)}&product=Sts`,
          });
        }
        log.push(record);
      })
      .catch(() => {
        if (!res.headersSent) res.destroy();
      });
  };

  const server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler) : createHttpServer(handler);
  const endpoint = await listen(server, options.host ?? '127.0.0.1', options.port ?? 0);
  return {
    url: `${options.tls ? 'https' : 'http'}://${endpoint}`,
    endpoint,
    requests: () => [...log],
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function assumeRoleWithOidc(
  method: string,
  params: URLSearchParams,
  options: StsEmulatorOptions,
  now: () => number,
  onVerified: (claims: Record<string, unknown>) => void,
): Record<string, unknown> {
  if (method !== 'POST' && method !== 'GET') throw new StsError(405, 'UnsupportedHTTPMethod', 'This http method is not supported.');
  const action = params.get('Action');
  if (!action) throw new StsError(400, 'MissingAction', 'Action is mandatory for this request.');
  if (action !== 'AssumeRoleWithOIDC') throw new StsError(404, 'InvalidAction.NotFound', `Specified api is not found, please check your url and method.`);
  if (params.get('Version') !== STS_VERSION) throw new StsError(400, 'InvalidVersion', 'Specified parameter Version is not valid.');

  const providerArn = required(params, 'OIDCProviderArn');
  const roleArn = required(params, 'RoleArn');
  const roleSessionName = required(params, 'RoleSessionName');
  const token = params.get('OIDCToken') ?? '';
  if (!ROLE_SESSION_NAME.test(roleSessionName)) {
    throw new StsError(400, 'InvalidParameter.RoleSessionName', 'The parameter RoleSessionName is wrongly formed.');
  }
  const durationSeconds = Number(params.get('DurationSeconds') ?? '3600');

  const provider = options.trustedProviders[providerArn];
  if (!provider) throw new StsError(401, 'AuthenticationFail.NoPermission', 'No such OIDC Provider registered.');
  if (token === '') throw new StsError(401, 'AuthenticationFail.OIDCToken.Invalid', 'The OIDCToken can not empty.');
  if (token.split('.').length !== 3) {
    throw new StsError(401, 'AuthenticationFail.OIDCToken.Invalid', "The number of Jwt field should be divided into 3 parts with '.' .");
  }
  const claims = options.verifyToken(token);
  if (!claims) throw new StsError(401, 'AuthenticationFail.OIDCToken.InvalidSignature', 'OIDC token validate failed: invalid signature.');
  onVerified(claims);

  const nowSeconds = Math.floor(now() / 1000);
  if (claims.iss !== provider.issuer) throw new StsError(401, 'AuthenticationFail.OIDCToken.Invalid', 'Invalid issuer.');
  const clientIds = typeof provider.audience === 'string' ? [provider.audience] : provider.audience;
  if (!audiences(claims.aud).some((aud) => clientIds.includes(aud))) {
    throw new StsError(401, 'AuthenticationFail.OIDCToken.AudienceNotMatch', 'Invalid audience.');
  }
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds - CLOCK_SKEW_SECONDS) {
    throw new StsError(401, 'AuthenticationFail.OIDCToken.Expired', 'This JsonWebToken is expired.');
  }
  if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds + CLOCK_SKEW_SECONDS) {
    throw new StsError(401, 'AuthenticationFail.OIDCToken.Invalid', 'The Jwt is not yet valid.');
  }

  const role = options.roles[roleArn];
  const roleParts = ROLE_ARN.exec(roleArn);
  if (!role || !roleParts) throw new StsError(404, 'EntityNotExist.Role', `The role not exists: ${roleArn}.`);
  const subject = typeof claims.sub === 'string' ? claims.sub : '';
  if (role.providerArn !== providerArn || !subjectAllowed(role.subjectPattern, subject)) {
    throw new StsError(401, 'AuthenticationFail.NoPermission', 'There is no permission');
  }
  const maxDuration = role.maxSessionDuration ?? 3600;
  if (!Number.isInteger(durationSeconds) || durationSeconds < 900 || durationSeconds > maxDuration) {
    throw new StsError(400, 'InvalidParameter.DurationSeconds', `The Min/Max value of DurationSeconds is 15min/${maxDuration / 60}min.`);
  }

  const context: IssueContext = { roleArn, providerArn, roleSessionName, durationSeconds, claims };
  const chosen: Omit<StsCredentials, 'expiration'> & { expiration?: string } = options.issue?.(context) ?? randomCredentials();
  const credentials: StsCredentials = {
    accessKeyId: chosen.accessKeyId,
    accessKeySecret: chosen.accessKeySecret,
    securityToken: chosen.securityToken,
    expiration: chosen.expiration ?? utcSeconds(now() + durationSeconds * 1000),
  };
  options.onIssue?.(credentials, context);

  const [, account = '', roleName = ''] = roleParts;
  // RAM role IDs are 17-19 digits; derive a stable one from the ARN.
  const roleId = createHash('sha256').update(roleArn).digest().readBigUInt64BE(0).toString().padStart(20, '0').slice(0, 17);
  return {
    AssumedRoleUser: {
      AssumedRoleId: `${roleId}:${roleSessionName}`,
      Arn: `acs:ram::${account}:assumed-role/${roleName}/${roleSessionName}`,
    },
    OIDCTokenInfo: {
      Subject: subject,
      Issuer: claims.iss,
      ClientIds: audiences(claims.aud).join(','),
      IssuanceTime: typeof claims.iat === 'number' ? utcSeconds(claims.iat * 1000) : undefined,
      ExpirationTime: utcSeconds(claims.exp * 1000),
      VerificationInfo: 'Success: The signature of the OIDC token is verified.',
    },
    Credentials: {
      AccessKeyId: credentials.accessKeyId,
      AccessKeySecret: credentials.accessKeySecret,
      SecurityToken: credentials.securityToken,
      Expiration: credentials.expiration,
    },
  };
}

function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (!value) throw new StsError(400, `Missing${name}`, `${name} is mandatory for this action.`);
  return value;
}

/** RPC parameters may come in the query string or the form body; the body wins. */
function parameters(url: string, body: Buffer | undefined): URLSearchParams {
  const queryStart = url.indexOf('?');
  const merged = new URLSearchParams(queryStart < 0 ? '' : url.slice(queryStart + 1));
  for (const [key, value] of new URLSearchParams(body?.toString('utf8') ?? '')) merged.set(key, value);
  return merged;
}

function audiences(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
}

/** `StringLike` semantics for a string pattern: `*` any run, `?` one character, everything else literal. */
export function subjectAllowed(pattern: RegExp | string | undefined, subject: string): boolean {
  if (pattern === undefined) return true;
  if (pattern instanceof RegExp) return pattern.test(subject);
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(subject);
}

function randomCredentials(): Omit<StsCredentials, 'expiration'> {
  return {
    accessKeyId: `STS.${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x')}`,
    accessKeySecret: randomBytes(33).toString('base64url'),
    securityToken: `CAIS${randomBytes(180).toString('base64')}`,
  };
}

function utcSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

