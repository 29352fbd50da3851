import * as CredentialsModule from '@alicloud/credentials';
import type { Settings } from '../settings.js';
import { OpenApiUtil, type OpenApiConfig } from './sdk.js';

type CredentialClass = typeof CredentialsModule.default.default;
type CredentialConfigClass = typeof CredentialsModule.default.Config;

// `@alicloud/credentials` is CommonJS with `exports.default`; resolve the class the same way in
// the bundle and under test runners.
function credentialsExports(): { Credential: CredentialClass; Config: CredentialConfigClass } {
  const mod = CredentialsModule as unknown as { default: unknown; Config?: unknown };
  const top = mod.default as { default?: unknown; Config?: unknown } | ((...args: unknown[]) => unknown);
  const Credential = (typeof top === 'function' ? top : top.default) as CredentialClass;
  const Config = (mod.Config ?? (top as { Config?: unknown }).Config) as CredentialConfigClass;
  return { Credential, Config };
}

/**
 * The runtime configuration for the API: endpoint and credentials. Static keys from inputs win;
 * otherwise the standard Alibaba Cloud credential chain (environment, OIDC role, profiles).
 * `signedIn` is a credential obtained beforehand (keyless sign-in, see oidc.ts).
 */
export function openApiConfig(settings: Pick<Settings, 'credentials' | 'endpoint' | 'regionId' | 'requestTimeoutMs'>, signedIn?: unknown): OpenApiConfig {
  const { Credential: CredentialImpl, Config: CredentialConfig } = credentialsExports();
  const c = settings.credentials;
  const credential = signedIn
    ? signedIn
    : c
    ? new CredentialImpl(
        new CredentialConfig({
          type: c.securityToken ? 'sts' : 'access_key',
          accessKeyId: c.accessKeyId,
          accessKeySecret: c.accessKeySecret,
          securityToken: c.securityToken,
        }),
      )
    : new CredentialImpl();
  return new OpenApiUtil.Config({
    credential,
    endpoint: settings.endpoint.host,
    protocol: settings.endpoint.protocol,
    regionId: settings.regionId,
    readTimeout: settings.requestTimeoutMs,
    connectTimeout: Math.min(settings.requestTimeoutMs, 10_000),
  });
}
