/** Builds the API client from the settings: sign-in, endpoint, retries. */
import * as core from '@actions/core';
import type { Settings } from '../settings.js';
import { type ConnectorApi, type UsageApi, type ValidationApi, createConnectorApi } from './connectors.js';
import { openApiConfig } from './config.js';
import { oidcCredential } from './oidc.js';
import { DEFAULT_RETRY_POLICY, type RetryHooks } from './retry.js';

/**
 * `secrets` is the run's list of values to scrub from messages; credentials obtained by keyless
 * sign-in are masked and added to it as they arrive.
 */
export async function connectorApiFor(settings: Settings, hooks: RetryHooks, secrets: string[]): Promise<ConnectorApi & UsageApi & ValidationApi> {
  const mask = (secret: string): void => {
    core.setSecret(secret);
    if (!secrets.includes(secret)) secrets.push(secret);
  };
  const signedIn = settings.oidc
    ? await oidcCredential(settings.oidc, (audience) => core.getIDToken(audience), { mask, tempDir: settings.tempDir })
    : undefined;
  return createConnectorApi({
    config: openApiConfig(settings, signedIn),
    requestTimeoutMs: settings.requestTimeoutMs,
    retry: { ...DEFAULT_RETRY_POLICY, maxRetries: settings.maxRetries },
    hooks,
    secrets,
  });
}
