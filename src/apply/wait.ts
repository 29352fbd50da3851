import { type LiveConnector, type Target, targetKey } from '../model.js';
import type { ConnectorApi } from '../ververica/connectors.js';
import { formatDuration } from '../duration.js';
import type { Clock, Logger } from './ports.js';

export interface WaitOptions {
  readonly clock: Clock;
  readonly log: Logger;
  /** Absolute time (clock.now()) after which waiting stops. */
  readonly deadline: number;
  /** First pause between polls; doubles up to `maxIntervalMs`. */
  readonly initialIntervalMs?: number;
  readonly maxIntervalMs?: number;
  /** How often a long wait reports progress. */
  readonly progressEveryMs?: number;
}

export interface WaitOutcome {
  /** The last list result seen. */
  readonly live: readonly LiveConnector[];
  /** Names still pending when the wait ended (empty on success). */
  readonly pending: readonly string[];
}

/**
 * Polls one namespace until `pending(live)` is empty or the deadline passes. However many
 * connectors wait in the namespace, each tick costs one list call.
 */
export async function waitForNamespace(
  api: ConnectorApi,
  target: Target,
  what: string,
  pending: (live: readonly LiveConnector[]) => string[],
  options: WaitOptions,
): Promise<WaitOutcome> {
  const { clock, log, deadline } = options;
  const started = clock.now();
  let interval = options.initialIntervalMs ?? 250;
  const maxInterval = options.maxIntervalMs ?? 5_000;
  const progressEvery = options.progressEveryMs ?? 5_000;
  let lastProgress = started;

  for (;;) {
    const live = await api.list(target);
    const left = pending(live);
    if (left.length === 0) return { live, pending: [] };
    const now = clock.now();
    if (now >= deadline) return { live, pending: left };
    if (now - lastProgress >= progressEvery) {
      lastProgress = now;
      log.info(
        `waiting for ${what} in ${targetKey(target)}: ${left.join(', ')} (waited ${formatDuration(now - started)}, deadline in ${formatDuration(deadline - now)})`,
      );
    }
    await clock.sleep(Math.min(interval, Math.max(0, deadline - now)));
    interval = Math.min(maxInterval, interval * 2);
  }
}
