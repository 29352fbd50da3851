/**
 * The options of keyless sign-in and their validation. Kept apart from oidc.ts so that reading the
 * inputs does not load the credentials library.
 */

export interface OidcOptions {
  /** `role-arn`: the RAM role to assume, `acs:ram::<account>:role/<name>`. */
  readonly roleArn: string;
  /** `oidc-provider-arn`: the RAM OIDC provider trusting GitHub, `acs:ram::<account>:oidc-provider/<name>`. */
  readonly oidcProviderArn: string;
  /** `role-session-name`: 2-64 characters of `A-Z a-z 0-9 . @ - _`; shows in ActionTrail. */
  readonly roleSessionName: string;
  /** `audience`: requested in the ID token; must be a client ID of the OIDC provider. Conventionally `sts.aliyuncs.com`. */
  readonly audience: string;
  /** STS host (and port), e.g. `sts.cn-hangzhou.aliyuncs.com`; default `sts.aliyuncs.com`. Always reached over HTTPS. */
  readonly stsEndpoint?: string;
  /** Lifetime of the credentials, 900 up to the role's maximum session duration; default 3600. */
  readonly durationSeconds?: number;
  /** Bound of one STS request; default 10 s. */
  readonly timeoutMs?: number;
}

export const DEFAULT_AUDIENCE = 'sts.aliyuncs.com';
export const DEFAULT_STS_ENDPOINT = 'sts.aliyuncs.com';

const ROLE_SESSION_NAME = /^[A-Za-z0-9._@-]{2,64}$/;

/** Problems with the options, in words for the action's inputs; empty when usable. */
export function validateOidcOptions(options: OidcOptions): string[] {
  const problems: string[] = [];
  if (!/^acs:ram::\d+:role\/.+$/i.test(options.roleArn)) problems.push(`role-arn must look like acs:ram::<account-id>:role/<role-name>, got "${options.roleArn}".`);
  if (!/^acs:ram::\d+:oidc-provider\/.+$/i.test(options.oidcProviderArn)) {
    problems.push(`oidc-provider-arn must look like acs:ram::<account-id>:oidc-provider/<name>, got "${options.oidcProviderArn}".`);
  }
  if (!ROLE_SESSION_NAME.test(options.roleSessionName)) {
    problems.push(`role-session-name must be 2 to 64 characters of letters, digits, ".", "@", "-" and "_", got "${options.roleSessionName}".`);
  }
  if (options.audience.trim() === '') problems.push('audience must not be empty.');
  const duration = options.durationSeconds;
  if (duration !== undefined && (!Number.isInteger(duration) || duration < 900)) problems.push(`the session duration must be a whole number of seconds, at least 900, got ${duration}.`);
  const endpoint = stsHost(options.stsEndpoint);
  if (typeof endpoint !== 'string') problems.push(endpoint.problem);
  return problems;
}

/** The host[:port] the library wants; it always prepends `https://`. */
export function stsHost(raw: string | undefined): string | { problem: string } {
  const value = (raw ?? '').trim();
  if (value === '') return DEFAULT_STS_ENDPOINT;
  if (/^http:\/\//i.test(value)) return { problem: `the STS endpoint must use HTTPS, got "${value}".` };
  const host = value.replace(/^https:\/\//i, '').replace(/\/+$/, '');
  if (!/^[A-Za-z0-9.[\]:-]+$/.test(host)) return { problem: `the STS endpoint must be a host name with an optional port, got "${value}".` };
  return host;
}

