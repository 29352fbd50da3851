import pLimit from 'p-limit';
import { type LiveConnector, type Target, targetKey } from './model.js';
import type { ConnectorApi } from './ververica/connectors.js';

/**
 * What the workspace holds: exactly one list call per target, `parallelism` targets at a time.
 * Keyed by `targetKey`.
 */
export async function observe(targets: readonly Target[], api: ConnectorApi, parallelism: number): Promise<Map<string, LiveConnector[]>> {
  const limit = pLimit(parallelism);
  const entries = await Promise.all(targets.map((t) => limit(async () => [targetKey(t), await api.list(t)] as const)));
  return new Map(entries);
}
