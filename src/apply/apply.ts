import pLimit from 'p-limit';
import type { ApplyOutcome, ApplyResult, ChangeAction, LiveConnector, Plan, PlanItem, TableMeta, TargetPlan } from '../model.js';
import { targetKey } from '../model.js';
import { contradictions } from '../plan/compare.js';
import type { ConnectorApi } from '../ververica/connectors.js';
import { formatDuration } from '../duration.js';
import type { Clock, Logger } from './ports.js';
import { waitForNamespace } from './wait.js';

export interface ApplyOptions {
  /** Operations in flight at once, across all targets. */
  readonly parallelism: number;
  /** How long each connector may take to settle (shows up, or disappears). */
  readonly timeoutMs: number;
  readonly clock: Clock;
  readonly log: Logger;
  readonly initialPollMs?: number;
  readonly maxPollMs?: number;
}

const isChange = (item: PlanItem): item is PlanItem & { action: ChangeAction } =>
  item.action === 'register' || item.action === 'replace' || item.action === 'delete';

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const tablesText = (tables: readonly TableMeta[]): string =>
  tables.map((t) => `${t.catalogName}.${t.databaseName}.${t.tableName}`).join(', ');

/**
 * Executes the changes of a plan. Within a namespace, deletes (including the delete half of each
 * replace) go first, because a type can be registered only once; namespaces proceed in parallel.
 * Never throws for a failed connector: every change gets an outcome.
 */
export async function applyPlan(plan: Plan, api: ConnectorApi, options: ApplyOptions): Promise<ApplyResult> {
  const limit = pLimit(options.parallelism);
  const perTarget = await Promise.all(plan.targets.map((t) => applyTarget(t, api, limit, options)));
  const outcomes = perTarget.flat();
  return { outcomes, ok: outcomes.every((o) => o.status === 'done') };
}

async function applyTarget(
  targetPlan: TargetPlan,
  api: ConnectorApi,
  limit: ReturnType<typeof pLimit>,
  options: ApplyOptions,
): Promise<ApplyOutcome[]> {
  const { clock, log } = options;
  const { target } = targetPlan;
  const key = targetKey(target);
  const changes = targetPlan.items.filter(isChange);
  if (changes.length === 0) return [];

  const started = new Map<string, number>();
  const outcomes = new Map<string, ApplyOutcome>();
  const tables = new Map<string, readonly TableMeta[]>();
  const finish = (item: PlanItem & { action: ChangeAction }, status: ApplyOutcome['status'], message?: string): void => {
    const durationMs = clock.now() - (started.get(item.name) ?? clock.now());
    outcomes.set(item.name, { target, name: item.name, action: item.action, status, durationMs, message, tables: tables.get(item.name) });
  };
  const waitOptions = (deadline: number) => ({
    clock,
    log,
    deadline,
    initialIntervalMs: options.initialPollMs,
    maxIntervalMs: options.maxPollMs,
  });

  // Phase 1: deletes, and the delete half of replaces.
  const removals = changes.filter((c) => c.action === 'delete' || c.action === 'replace');
  const deleted: typeof removals = [];
  await Promise.all(
    removals.map((item) =>
      limit(async () => {
        started.set(item.name, clock.now());
        try {
          const result = await api.delete(target, item.name);
          tables.set(item.name, result.tables);
          deleted.push(item);
          const on = result.tables.length > 0 ? `; tables built on it: ${tablesText(result.tables)}` : '';
          log.info(`${result.alreadyGone ? 'already gone' : 'deleted'}: ${item.name} in ${key} (${formatDuration(clock.now() - (started.get(item.name) ?? 0))})${on}`);
        } catch (error) {
          finish(item, 'failed', `delete failed: ${errorText(error)}`);
          log.warning(`failed to delete ${item.name} in ${key}: ${errorText(error)}`);
        }
      }),
    ),
  );
  if (deleted.length > 0) {
    const gone = new Set(deleted.map((d) => d.name));
    try {
      const waited = await waitForNamespace(
        api,
        target,
        'deletions',
        (live) => live.filter((c) => gone.has(c.name)).map((c) => c.name),
        waitOptions(clock.now() + options.timeoutMs),
      );
      for (const item of deleted) {
        if (waited.pending.includes(item.name)) {
          finish(item, 'failed', `delete requested, but ${item.name} was still listed after ${formatDuration(options.timeoutMs)}`);
        } else if (item.action === 'delete') finish(item, 'done', tables.get(item.name)?.length ? `tables built on it: ${tablesText(tables.get(item.name) ?? [])}` : undefined);
      }
    } catch (error) {
      for (const item of deleted) finish(item, 'failed', `delete requested; could not confirm it: ${errorText(error)}`);
    }
  }

  // Phase 2: registrations, one call per JAR (a JAR may declare several connectors).
  const registrations = changes.filter((c) => c.action === 'register' || (c.action === 'replace' && !outcomes.has(c.name)));
  const byJar = new Map<string, typeof registrations>();
  for (const item of registrations) {
    const jar = item.jarUrl ?? '';
    byJar.set(jar, [...(byJar.get(jar) ?? []), item]);
  }
  const requested: typeof registrations = [];
  await Promise.all(
    [...byJar.entries()].map(([jarUrl, items]) =>
      limit(async () => {
        for (const item of items) if (!started.has(item.name)) started.set(item.name, clock.now());
        let parsed: LiveConnector[];
        try {
          parsed = await api.register(target, jarUrl, items[0]?.type ?? '');
        } catch (error) {
          for (const item of items) {
            finish(item, 'failed', `${item.action === 'replace' ? 'deleted, but registering again failed' : 'register failed'}: ${errorText(error)}`);
            log.warning(`failed to register ${item.name} in ${key}: ${errorText(error)}`);
          }
          return;
        }
        for (const item of items) {
          const match = parsed.find((c) => c.name === item.name && c.type === item.type);
          if (match) requested.push(item);
          else {
            const declares = parsed.map((c) => `${c.name} (type ${c.type})`).join(', ') || 'no connector';
            finish(item, 'failed', `the JAR declares ${declares}, not ${item.name} (type ${item.type ?? '?'})`);
            log.warning(`JAR for ${item.name} in ${key} declares ${declares}, not ${item.name} (type ${item.type ?? '?'})`);
          }
        }
      }),
    ),
  );

  // Phase 3: wait until every registration is listed, then check it against the definition.
  if (requested.length > 0) {
    const expected = new Set(requested.map((r) => r.name));
    try {
      const waited = await waitForNamespace(
        api,
        target,
        'registrations',
        (live) => [...expected].filter((name) => !live.some((c) => c.name === name)),
        waitOptions(clock.now() + options.timeoutMs),
      );
      for (const item of requested) {
        const live = waited.live.find((c) => c.name === item.name);
        if (!live) {
          finish(item, 'failed', `registration requested, but ${item.name} was not listed after ${formatDuration(options.timeoutMs)}`);
          continue;
        }
        const problems = item.desired ? contradictions(item.desired, live) : [];
        if (problems.length > 0) {
          finish(item, 'failed', `registered, but it contradicts the definition: ${problems.join('; ')}`);
          log.warning(`${item.name} in ${key} contradicts its definition: ${problems.join('; ')}`);
        } else {
          finish(item, 'done');
          log.info(`${item.action === 'replace' ? 'replaced' : 'registered'} ${item.name} in ${key} (${formatDuration(outcomes.get(item.name)?.durationMs ?? 0)})`);
        }
      }
    } catch (error) {
      for (const item of requested) finish(item, 'failed', `registration requested; could not confirm it: ${errorText(error)}`);
    }
  }

  return changes.map(
    (item) => outcomes.get(item.name) ?? { target, name: item.name, action: item.action, status: 'skipped', durationMs: 0, message: 'not attempted' },
  );
}
