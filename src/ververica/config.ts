import type { Settings } from '../settings.js';
import { credentialsLibrary } from './credentials-lib.js';
import { OpenApiUtil, type OpenApiConfig } from './sdk.js';

/**
 * The runtime configuration for the API: endpoint and credentials. Static keys from inputs win;
 * otherwise the standard Alibaba Cloud credential chain (environment, OIDC role, profiles).
 * `signedIn` is a credential obtained beforehand (keyless sign-in, see oidc.ts). Time limits are
 * set per call (see connectors.ts).
 */
export function openApiConfig(settings: Pick<Settings, 'credentials' | 'endpoint' | 'regionId'>, signedIn?: unknown): OpenApiConfig {
  const CredentialImpl = credentialsLibrary.Credential();
  const CredentialConfig = credentialsLibrary.Config();
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
  });
}
