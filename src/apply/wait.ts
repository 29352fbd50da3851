import { type LiveConnector, type Target, targetKey } from '../model.js';
import type { ConnectorApi } from '../ververica/connectors.js';
import { formatDuration } from '../duration.js';
import type { Clock, Logger } from './ports.js';

export interface WatchOptions {
  readonly clock: Clock;
  readonly log: Logger;
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

interface Waiter {
  readonly what: string;
  readonly pending: (live: readonly LiveConnector[]) => string[];
  readonly deadline: number;
  readonly since: number;
  readonly resolve: (outcome: WaitOutcome) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Watches one namespace for everyone waiting on it: however many connectors wait there, each poll
 * tick costs one list call. The poll interval starts short and backs off; every wait is bounded
 * by its own deadline.
 */
export class NamespaceWatcher {
  private readonly waiters = new Set<Waiter>();
  private running = false;
  private lastProgress: number;

  constructor(
    private readonly api: ConnectorApi,
    private readonly target: Target,
    private readonly options: WatchOptions,
  ) {
    this.lastProgress = options.clock.now();
  }

  /** Resolves when `pending(live)` is empty, or at `deadline` with what is still pending. */
  wait(what: string, pending: (live: readonly LiveConnector[]) => string[], deadline: number): Promise<WaitOutcome> {
    return new Promise((resolve, reject) => {
      this.waiters.add({ what, pending, deadline, since: this.options.clock.now(), resolve, reject });
      if (!this.running) {
        this.running = true;
        void this.poll();
      }
    });
  }

  private async poll(): Promise<void> {
    const { clock } = this.options;
    let interval = this.options.initialIntervalMs ?? 250;
    const maxInterval = this.options.maxIntervalMs ?? 5_000;
    try {
      while (this.waiters.size > 0) {
        let live: LiveConnector[];
        try {
          live = await this.api.list(this.target);
        } catch (error) {
          for (const w of this.waiters) w.reject(error);
          this.waiters.clear();
          return;
        }
        const now = clock.now();
        const open: Array<{ waiter: Waiter; left: string[] }> = [];
        for (const waiter of [...this.waiters]) {
          let left: string[];
          try {
            left = waiter.pending(live);
          } catch (error) {
            this.waiters.delete(waiter);
            waiter.reject(error);
            continue;
          }
          if (left.length === 0 || now >= waiter.deadline) {
            this.waiters.delete(waiter);
            waiter.resolve({ live, pending: left });
          } else open.push({ waiter, left });
        }
        if (open.length === 0) break;
        this.progress(open, now);
        const nearest = Math.min(...open.map((o) => o.waiter.deadline));
        await clock.sleep(Math.max(0, Math.min(interval, nearest - now)));
        interval = Math.min(maxInterval, interval * 2);
      }
    } catch (error) {
      // Anything unexpected ends every wait of this namespace rather than leaving one hanging.
      for (const w of this.waiters) w.reject(error);
      this.waiters.clear();
    } finally {
      this.running = false;
      // A waiter that joined while the last tick resolved everyone else still needs a poll.
      if (this.waiters.size > 0) {
        this.running = true;
        void this.poll();
      }
    }
  }

  private progress(open: ReadonlyArray<{ waiter: Waiter; left: string[] }>, now: number): void {
    if (now - this.lastProgress < (this.options.progressEveryMs ?? 5_000)) return;
    this.lastProgress = now;
    const key = targetKey(this.target);
    for (const { waiter, left } of open) {
      const message = `waiting for ${waiter.what} in ${key}: ${left.join(', ')} (waited ${formatDuration(now - waiter.since)}, deadline in ${formatDuration(waiter.deadline - now)})`;
      if (this.options.log.progress) this.options.log.progress(key, message);
      else this.options.log.info(message);
    }
  }
}
