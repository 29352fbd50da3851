/**
 * Keyless sign-in: a GitHub Actions ID token traded for temporary credentials of a RAM role
 * through STS `AssumeRoleWithOIDC`, using the credentials library's own OIDC provider.
 *
 * That provider only reads the token from a file, and reads it again on every refresh. So the
 * token is written just before each exchange, to a fresh 0700 directory as a 0600 file, and the
 * directory is removed as soon as STS has answered: no token stays on the runner's disk. A refresh
 * (once the credentials are within 15 minutes of expiring) asks GitHub for a new token first.
 *
 * The provider always speaks HTTPS to `stsEndpoint`; a local STS needs a certificate the process
 * trusts (`NODE_EXTRA_CA_CERTS`).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CredentialClass, type OidcProviderClass, credentialsLibrary } from './credentials-lib.js';
import { type OidcOptions, stsHost, validateOidcOptions } from './oidc-options.js';

export type { OidcOptions } from './oidc-options.js';

/** Asks GitHub for an ID token (in the action: `core.getIDToken`). */
export type GetIdToken = (audience: string) => Promise<string>;

export interface OidcHooks {
  /** Registers a secret for masking in logs (in the action: `core.setSecret`). */
  readonly mask?: (secret: string) => void;
  /** Where the short-lived token file goes (in the action: `RUNNER_TEMP`); default the OS temp directory. */
  readonly tempDir?: string;
}


/** A sign-in failure, with what STS said when it refused. */
export class OidcSignInError extends Error {
  override readonly name = 'OidcSignInError';
  constructor(
    message: string,
    /** STS's error code, e.g. `AuthenticationFail.NoPermission`; undefined when STS was not reached. */
    readonly code?: string,
    readonly requestId?: string,
  ) {
    super(message);
  }
}

type OidcProvider = InstanceType<OidcProviderClass>;
type CredentialsValue = Awaited<ReturnType<OidcProvider['getCredentials']>>;
/** What `new OpenApiUtil.Config({ credential })` takes. */
export type OidcCredential = InstanceType<CredentialClass>;

/**
 * Signs in: fetches an ID token, exchanges it at STS and returns a credential for
 * `new OpenApiUtil.Config({ credential, ... })` that refreshes itself the same way. The first
 * exchange happens here, so a refused sign-in fails now, with STS's reason, instead of on the
 * first API call.
 */
export async function oidcCredential(options: OidcOptions, getIdToken: GetIdToken, hooks: OidcHooks = {}): Promise<OidcCredential> {
  const problems = validateOidcOptions(options);
  if (problems.length > 0) throw new OidcSignInError(`OIDC sign-in is misconfigured: ${problems.join(' ')}`);
  const Credential = credentialsLibrary.Credential();
  const exchange = new TokenExchange(options, getIdToken, hooks);
  await exchange.getCredentials();
  return new Credential(null, exchange);
}

/** A credentials provider (the library's duck type) around the library's OIDC provider. */
class TokenExchange {
  private readonly inner: OidcProvider;
  private readonly tokenDir: string;
  private readonly tokenFile: string;
  private readonly mask: (secret: string) => void;
  private pending: Promise<CredentialsValue> | undefined;
  private signedIn = false;

  constructor(
    private readonly options: OidcOptions,
    private readonly getIdToken: GetIdToken,
    hooks: OidcHooks,
  ) {
    const OidcProvider = credentialsLibrary.OidcProvider();
    this.mask = hooks.mask ?? (() => undefined);
    this.tokenDir = join(hooks.tempDir ?? tmpdir(), `oidc-${randomBytes(12).toString('hex')}`);
    this.tokenFile = join(this.tokenDir, 'token');
    // Every field is given explicitly so that no ALIBABA_CLOUD_* variable changes what is asked for.
    this.inner = OidcProvider.builder()
      .withRoleArn(options.roleArn)
      .withOIDCProviderArn(options.oidcProviderArn)
      .withOIDCTokenFilePath(this.tokenFile)
      .withRoleSessionName(options.roleSessionName)
      .withDurationSeconds(options.durationSeconds ?? 3600)
      .withStsEndpoint(stsHost(options.stsEndpoint) as string)
      .withReadTimeout(options.timeoutMs ?? 10_000)
      .withConnectTimeout(Math.min(options.timeoutMs ?? 10_000, 5_000))
      .build();
  }

  getProviderName(): string {
    return this.inner.getProviderName();
  }

  getCredentials(): Promise<CredentialsValue> {
    if (this.pending) return this.pending;
    if (this.signedIn && !this.inner.needUpdateCredential() && !this.inner.shouldPrefetchCredential()) return this.inner.getCredentials();
    // One exchange at a time: concurrent API calls share it.
    this.pending = this.exchange().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async exchange(): Promise<CredentialsValue> {
    let token: string;
    try {
      token = await this.getIdToken(this.options.audience);
    } catch (error) {
      // A refresh that cannot get a token keeps the current credentials while they last.
      if (this.signedIn) return this.inner.getCredentials();
      throw new OidcSignInError(
        `OIDC sign-in failed: could not get an ID token from GitHub (the job needs "permissions: id-token: write"): ${messageOf(error)}`,
      );
    }
    this.mask(token);
    try {
      await mkdir(this.tokenDir, { recursive: true, mode: 0o700 });
      await writeFile(this.tokenFile, token, { mode: 0o600, flag: 'w' });
      const credentials = await this.inner.getCredentials();
      this.mask(credentials.accessKeySecret);
      this.mask(credentials.securityToken);
      this.signedIn = true;
      return credentials;
    } catch (error) {
      if (this.signedIn) throw scrub(error, token);
      throw explain(error, this.options, token);
    } finally {
      await rm(this.tokenDir, { recursive: true, force: true });
    }
  }
}

/** Turns the library's error into one that says what to fix. The token never appears in it. */
function explain(error: unknown, options: OidcOptions, token: string): OidcSignInError {
  const raw = messageOf(error);
  // The library reports a non-200 answer as this prefix followed by the body; anything else is
  // a transport failure (refused connection, untrusted certificate, timeout) or an unreadable answer.
  const refused = /^get sts token failed with OIDC: (.*)$/s.exec(raw);
  if (!refused) {
    const host = stsHost(options.stsEndpoint) as string;
    // The HTTP helper glues "POST <url> failed." to the cause without a separator; the URL is said already.
    const cause = raw.replace(/(?:GET|POST) https?:\/\/\S+ failed\.$/, '').trim();
    return new OidcSignInError(scrubText(`OIDC sign-in failed: AssumeRoleWithOIDC at https://${host}/ failed: ${cause}`, token));
  }
  const body = parseBody(refused[1] ?? '');
  const code = typeof body?.Code === 'string' ? body.Code : undefined;
  const message = typeof body?.Message === 'string' ? body.Message : (refused[1] ?? '');
  const requestId = typeof body?.RequestId === 'string' ? body.RequestId : undefined;
  const claims = describeClaims(token);
  const parts = [
    `OIDC sign-in failed: STS refused AssumeRoleWithOIDC for role ${options.roleArn}: ${code ?? 'error'}: ${message}`,
    requestId ? `(RequestId ${requestId}).` : '',
    hint(code, message, options),
    claims ? `The ID token had ${claims}.` : '',
  ];
  return new OidcSignInError(scrubText(parts.filter(Boolean).join(' '), token), code, requestId);
}

function hint(code: string | undefined, message: string, options: OidcOptions): string {
  if (code === 'AuthenticationFail.NoPermission' && /oidc provider/i.test(message)) {
    return `Check oidc-provider-arn (${options.oidcProviderArn}).`;
  }
  switch (code) {
    case 'AuthenticationFail.NoPermission':
      return `The role's trust policy must allow the OIDC provider ${options.oidcProviderArn} and its conditions (oidc:iss, oidc:aud, oidc:sub) must match this workflow run.`;
    case 'AuthenticationFail.OIDCToken.AudienceNotMatch':
      return `The audience "${options.audience}" must be a client ID of the OIDC provider.`;
    case 'AuthenticationFail.OIDCToken.Expired':
      return 'The ID token expired before STS checked it; check the runner clock.';
    case 'AuthenticationFail.OIDCToken.InvalidSignature':
      return "STS could not verify the token's signature: check the OIDC provider's issuer URL and fingerprint.";
    case 'EntityNotExist.Role':
      return 'Check role-arn.';
    case 'InvalidParameter.DurationSeconds':
      return "The session duration exceeds the role's maximum session duration.";
    default:
      return '';
  }
}

/** The non-secret claims that trust conditions test, from the unverified payload. */
function describeClaims(token: string): string | undefined {
  const payload = parseBody(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  if (!payload) return undefined;
  const shown = ['iss', 'aud', 'sub']
    .filter((claim) => payload[claim] !== undefined)
    .map((claim) => `${claim} "${Array.isArray(payload[claim]) ? (payload[claim] as unknown[]).join(',') : String(payload[claim])}"`);
  return shown.length > 0 ? shown.join(', ') : undefined;
}

function parseBody(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function scrub(error: unknown, token: string): Error {
  return new OidcSignInError(scrubText(`OIDC credential refresh failed: ${messageOf(error)}`, token));
}

function scrubText(text: string, token: string): string {
  return token.length >= 8 ? text.split(token).join('***') : text;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
