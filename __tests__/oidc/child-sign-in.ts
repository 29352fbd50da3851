/**
 * Signs in and lists connectors in a process of its own, the way the bundled action runs: the
 * STS certificate is trusted only through NODE_EXTRA_CA_CERTS. Arguments: one JSON object
 * `{ oidc: OidcOptions, workspaceEndpoint, workspaceId, namespace }`. Prints `RESULT <json>` last.
 */
import * as core from '@actions/core';
import { createConnectorApi } from '../../src/ververica/connectors.js';
import { oidcCredential, type OidcOptions } from '../../src/ververica/oidc.js';
import { OpenApiUtil } from '../../src/ververica/sdk.js';

interface Args {
  readonly oidc: OidcOptions;
  readonly workspaceEndpoint: string;
  readonly workspaceId: string;
  readonly namespace: string;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as Args;
  try {
    const credential = await oidcCredential(args.oidc, (audience) => core.getIDToken(audience), { mask: core.setSecret });
    const api = createConnectorApi({
      config: new OpenApiUtil.Config({ credential, endpoint: args.workspaceEndpoint, protocol: 'http' }),
      requestTimeoutMs: 5_000,
      retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
      hooks: { sleep: () => Promise.resolve(), random: () => 0 },
      secrets: [],
    });
    const connectors = await api.list({ workspaceId: args.workspaceId, namespace: args.namespace });
    process.stdout.write(`RESULT ${JSON.stringify({ names: connectors.map((c) => c.name) })}\n`);
  } catch (error) {
    process.stdout.write(`RESULT ${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`);
  }
}

await main();
