/**
 * The measured system as production wires it: the real API client (signing, HTTP, retries) against
 * the local workspace emulator, both in this process.
 */
import type { JarCatalog } from '../src/emulator/server.js';
import { type EmulatorHandle, startEmulator } from '../src/emulator/server.js';
import { openApiConfig } from '../src/ververica/config.js';
import { type ConnectorApi, type UsageApi, createConnectorApi } from '../src/ververica/connectors.js';
import { DEFAULT_RETRY_POLICY } from '../src/ververica/retry.js';

/** Keys the emulator accepts; they open nothing anywhere else. */
export const BENCH_KEY = { accessKeyId: 'LTAI5tBenchKeyId000001', accessKeySecret: 'bench-emulator-only-secret' } as const;

const REQUEST_TIMEOUT_MS = 30_000;

export interface BenchEnv {
  readonly emulator: EmulatorHandle;
  readonly api: ConnectorApi & UsageApi;
}

/** The production client, pointed at `endpoint` (`HOST:PORT`) over plain HTTP. */
export function connectorApiFor(endpoint: string): ConnectorApi & UsageApi {
  return createConnectorApi({
    config: openApiConfig({
      credentials: { accessKeyId: BENCH_KEY.accessKeyId, accessKeySecret: BENCH_KEY.accessKeySecret },
      endpoint: { host: endpoint, protocol: 'http' },
      regionId: 'cn-hangzhou',
    }),
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    retry: DEFAULT_RETRY_POLICY,
    hooks: { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)), random: Math.random },
    secrets: [BENCH_KEY.accessKeySecret],
  });
}

export async function startBenchEnv(options: { latencyMs: number; catalog: JarCatalog; visibilityDelayMs?: number }): Promise<BenchEnv> {
  const emulator = await startEmulator({
    accessKeys: { [BENCH_KEY.accessKeyId]: BENCH_KEY.accessKeySecret },
    catalog: options.catalog,
    latencyMs: options.latencyMs,
    visibilityDelayMs: options.visibilityDelayMs ?? 0,
  });
  return { emulator, api: connectorApiFor(emulator.endpoint) };
}

/** Runs `body` against a fresh emulator and always closes it, so a failed scenario cannot keep the process alive. */
export async function withBenchEnv<T>(options: { latencyMs: number; catalog: JarCatalog }, body: (env: BenchEnv) => Promise<T>): Promise<T> {
  const env = await startBenchEnv(options);
  try {
    return await body(env);
  } finally {
    await env.emulator.close();
  }
}
