/** The real API client pointed at an in-process workspace emulator. */
import { join } from 'node:path';
import { systemClock } from '../../src/apply/ports.js';
import { loadCatalogFile } from '../../src/emulator/catalog.js';
import { type EmulatorHandle, type EmulatorOptions, startEmulator } from '../../src/emulator/server.js';
import { type ConnectorApi, type UsageApi, type ValidationApi, createConnectorApi } from '../../src/ververica/connectors.js';
import { openApiConfig } from '../../src/ververica/config.js';
import { PROJECT_ROOT } from '../../scripts/local-runner.js';

export const KEY_ID = 'LTAI5tUnitKey';
export const KEY_SECRET = 'unit-Secret-1234567890';

export async function startCatalogEmulator(options: Partial<EmulatorOptions> = {}): Promise<EmulatorHandle> {
  const { catalog, tables } = await loadCatalogFile(join(PROJECT_ROOT, '__fixtures__/catalog/catalog.yaml'));
  return startEmulator({ accessKeys: { [KEY_ID]: KEY_SECRET }, catalog, tables: { ...tables }, ...options });
}

export function clientFor(emulator: EmulatorHandle, overrides: { requestTimeoutMs?: number; maxRetries?: number; secret?: string } = {}): ConnectorApi & UsageApi & ValidationApi {
  const requestTimeoutMs = overrides.requestTimeoutMs ?? 10_000;
  return createConnectorApi({
    config: openApiConfig({
      credentials: { accessKeyId: KEY_ID, accessKeySecret: overrides.secret ?? KEY_SECRET },
      endpoint: { host: emulator.endpoint, protocol: 'http' },
      regionId: 'cn-hangzhou',
    }),
    requestTimeoutMs,
    retry: { maxRetries: overrides.maxRetries ?? 4, baseDelayMs: 5, maxDelayMs: 50 },
    hooks: { sleep: systemClock.sleep, random: () => 0.5 },
    secrets: [overrides.secret ?? KEY_SECRET],
  });
}

export const silentLog = { info: (): void => undefined, warning: (): void => undefined };

/** A logger that keeps what it was told, for assertions. */
export function recordingLog(): { info: (m: string) => void; warning: (m: string) => void; lines: string[] } {
  const lines: string[] = [];
  return { info: (m) => void lines.push(m), warning: (m) => void lines.push(`warning: ${m}`), lines };
}
