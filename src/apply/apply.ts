import pLimit from 'p-limit';
import type { ApplyOutcome, ApplyResult, ChangeAction, LiveConnector, Plan, PlanItem, TableMeta, Target, TargetPlan } from '../model.js';
import { targetKey } from '../model.js';
import { contradictions, sameConnector } from '../plan/compare.js';
import { isChange } from '../plan/plan.js';
import type { ConnectorApi, DeleteReconciler, RegisterReconciler } from '../ververica/connectors.js';
import { formatDuration } from '../duration.js';
import { oneLine } from '../report/escape.js';
import type { Clock, Logger } from './ports.js';
import { type Baseline, Verifier, type VerifyOptions, regressionText, regressions, verificationLine } from './verify.js';
import { NamespaceWatcher, type WaitOutcome } from './wait.js';

export interface ApplyOptions {
  /** Operations in flight at once, across all targets. */
  readonly parallelism: number;
  /** How long each connector may take to settle (shows up, or disappears). */
  readonly timeoutMs: number;
  /**
   * After an unclear answer, how long its effect is looked for before it is taken as not done
   * (default and at most `timeoutMs`).
   */
  readonly settleMs?: number;
  readonly clock: Clock;
  readonly log: Logger;
  /**
   * List each target once more right before changing it, and skip any connector that someone
   * changed since the plan was made. Costs one list call per changed target.
   */
  readonly recheck?: boolean;
  readonly initialPollMs?: number;
  readonly maxPollMs?: number;
  /** Validate the SQL of the jobs using each replaced connector before and after (`verify`). */
  readonly verify?: VerifyOptions;
}

/** Longest log message. */
const LOG_MAX = 4000;

type Change = PlanItem & { readonly action: ChangeAction };


const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The names of `wanted` the list does not show yet (a set lookup per tick, not a scan per name). */
function missingFrom(live: readonly LiveConnector[], wanted: ReadonlySet<string>): string[] {
  const listed = new Set(live.map((c) => c.name));
  return [...wanted].filter((n) => !listed.has(n));
}

const tablesText = (tables: readonly TableMeta[]): string => tables.map((t) => `${t.catalogName}.${t.databaseName}.${t.tableName}`).join(', ');


/** Why a planned change no longer fits what is live, or undefined when it still does. */
export function driftSincePlan(item: Change, now: LiveConnector | undefined): string | undefined {
  if (item.action === 'register') return now ? `${item.name} was registered by someone else since the plan` : undefined;
  if (item.action === 'delete' || item.action === 'replace') {
    if (!now) return `${item.name} was deleted by someone else since the plan`;
    if (item.live && !sameConnector(item.live, now)) return `${item.name} was changed by someone else since the plan`;
  }
  return undefined;
}

/**
 * Executes the changes of a plan. Within a namespace, deletes (including the delete half of each
 * replace) go first, because a type can be registered only once; namespaces proceed in parallel.
 * Never throws for a failed connector: every change gets an outcome.
 */
export async function applyPlan(plan: Plan, api: ConnectorApi, options: ApplyOptions): Promise<ApplyResult> {
  const limit = pLimit(options.parallelism);
  const verifier = options.verify ? new Verifier(options.verify, limit, (m) => options.log.warning(oneLine(m, LOG_MAX))) : undefined;
  const perTarget = await Promise.all(plan.targets.map((t) => new TargetApply(t, api, limit, options, verifier).run()));
  const outcomes = perTarget.flat();
  return { outcomes, ok: outcomes.every((o) => o.status === 'done') };
}

class TargetApply {
  private readonly target: Target;
  private readonly key: string;
  private readonly started = new Map<string, number>();
  private readonly outcomes = new Map<string, ApplyOutcome>();
  private readonly tables = new Map<string, readonly TableMeta[]>();
  private readonly watcher: NamespaceWatcher;
  private readonly limitedApi: ConnectorApi;
  private readonly log: Logger;
  /** The newest list result seen: what was there before a register is sent. */
  private listed: readonly LiveConnector[] | undefined;
  /** Rollbacks in flight or done, by JAR: a JAR that declares several connectors is registered once. */
  private readonly rollbacks = new Map<string, Promise<readonly LiveConnector[]>>();

  constructor(
    private readonly targetPlan: TargetPlan,
    private readonly api: ConnectorApi,
    private readonly limit: ReturnType<typeof pLimit>,
    private readonly options: ApplyOptions,
    private readonly verifier?: Verifier,
  ) {
    this.target = targetPlan.target;
    this.key = targetKey(targetPlan.target);
    const { clock, initialPollMs, maxPollMs } = options;
    // Names and messages here come from definitions, records and the service: each log message is
    // one line, so none of them can start a workflow command.
    const log = { info: (m: string) => options.log.info(oneLine(m, LOG_MAX)), warning: (m: string) => options.log.warning(oneLine(m, LOG_MAX)) };
    this.log = log;
    // Polls and re-checks count against the same limit as the changes themselves.
    const limitedList: ConnectorApi = {
      ...api,
      list: async (t) => {
        const live = await limit(() => api.list(t));
        this.listed = live;
        return live;
      },
    };
    this.limitedApi = limitedList;
    this.watcher = new NamespaceWatcher(limitedList, targetPlan.target, { clock, log, initialIntervalMs: initialPollMs, maxIntervalMs: maxPollMs });
  }

  async run(): Promise<ApplyOutcome[]> {
    const changes = this.targetPlan.items.filter(isChange);
    if (changes.length === 0) return [];
    for (const item of changes) {
      if (item.action === 'adopt' || item.action === 'update') this.finish(item, 'done', 'recorded; no API call');
    }
    let pending = changes.filter((c) => !this.outcomes.has(c.name));
    if (pending.length > 0 && this.options.recheck) pending = await this.recheck(pending);
    if (pending.length > 0) {
      const baselines = await this.verifyBefore(pending);
      await this.deletePhase(pending.filter((c) => c.action === 'delete' || c.action === 'replace'));
      await this.registerPhase(pending.filter((c) => (c.action === 'register' || c.action === 'replace') && !this.outcomes.has(c.name)));
      await this.verifyAfter(pending, baselines);
    }
    return changes.map(
      (item) =>
        this.outcomes.get(item.name) ?? { target: this.target, name: item.name, action: item.action, status: 'skipped', durationMs: 0, message: 'not attempted' },
    );
  }

  private finish(item: Change, status: ApplyOutcome['status'], message?: string, extra: Partial<ApplyOutcome> = {}): void {
    const now = this.options.clock.now();
    const durationMs = now - (this.started.get(item.name) ?? now);
    this.outcomes.set(item.name, { target: this.target, name: item.name, action: item.action, status, durationMs, message, tables: this.tables.get(item.name), ...extra });
  }

  private deadline(): number {
    return this.options.clock.now() + this.options.timeoutMs;
  }

  private get settleMs(): number {
    return Math.min(this.options.settleMs ?? this.options.timeoutMs, this.options.timeoutMs);
  }

  private async recheck(pending: Change[]): Promise<Change[]> {
    let live: LiveConnector[];
    try {
      live = await this.limitedApi.list(this.target);
    } catch (error) {
      for (const item of pending) this.finish(item, 'skipped', `could not re-check ${this.key} before changing it: ${errorText(error)}`);
      return [];
    }
    const byName = new Map(live.map((c) => [c.name, c]));
    return pending.filter((item) => {
      const drift = driftSincePlan(item, byName.get(item.name));
      if (!drift) return true;
      this.finish(item, 'skipped', `${drift}; left alone (plan again to see the current state)`);
      this.log.warning(`skipped ${item.action} of ${item.name} in ${this.key}: ${drift}`);
      return false;
    });
  }

  /** The baseline of each replace of a live connector: who uses it, and whether their SQL validates now. */
  private async verifyBefore(pending: readonly Change[]): Promise<Map<string, Baseline>> {
    const replaces = pending.filter((c) => c.action === 'replace' && c.live !== undefined);
    if (!this.verifier || replaces.length === 0) return new Map();
    return this.verifier.baseline(this.target, replaces);
  }

  /**
   * Validates again after each done replace. A regression rolls the replace back to its recorded
   * JAR the way a failed registration does; everything else only adds to the outcome.
   */
  private async verifyAfter(pending: readonly Change[], baselines: ReadonlyMap<string, Baseline>): Promise<void> {
    if (!this.verifier) return;
    await Promise.all(
      pending.map(async (item) => {
        const baseline = baselines.get(item.name);
        const statements = item.action === 'register' || item.action === 'replace' ? (item.desired?.validateSql ?? []) : [];
        if ((!baseline && statements.length === 0) || this.outcomes.get(item.name)?.status !== 'done') return;
        const verifier = this.verifier as Verifier;
        const smoke = statements.length > 0 ? await verifier.smoke(this.target, statements) : [];
        const checked = baseline ? await verifier.after(this.target, baseline) : { deployments: [] };
        const verification = smoke.length > 0 ? { ...checked, statements: smoke } : checked;
        const failedSmoke = smoke.filter((d) => d.result === 'fails');
        if (failedSmoke.length > 0) {
          // A connector that cannot serve its own smoke statement is not kept: removed again, or rolled back.
          const reason = `validate_sql failed: ${failedSmoke.map((d) => `${d.name}: ${d.message ?? 'invalid'}`).join('; ')}`;
          if (item.action === 'register' || item.recorded) await this.fail(item, reason, [item.name]);
          else this.finish(item, 'failed', `${reason}; no recorded JAR to roll back to, so the new JAR stays registered`);
          const settled = this.outcomes.get(item.name);
          if (settled) this.outcomes.set(item.name, { ...settled, verification });
          return;
        }
        if (!baseline) {
          const settled = this.outcomes.get(item.name);
          if (settled) this.outcomes.set(item.name, { ...settled, verification });
          return;
        }
        for (const d of verification.deployments) {
          if (d.result === 'already-invalid') this.log.warning(`${d.name} in ${this.key} did not validate before the replace of ${item.name} either (not counted as a regression): ${d.message ?? 'invalid'}`);
          if (d.result === 'unknown') this.log.warning(`${d.name} in ${this.key}: validation after the replace of ${item.name} is unknown: ${d.message ?? 'no answer'}`);
        }
        this.log.info(`verified ${item.name} in ${this.key}: ${verificationLine(verification)}`);
        if (regressions(verification).length > 0) {
          const reason = `the jobs that use it no longer validate with the new JAR: ${regressionText(verification)}`;
          if (item.recorded) await this.fail(item, reason, [item.name]);
          else this.finish(item, 'failed', `${reason}; no recorded JAR to roll back to, so the new JAR stays registered`);
        }
        const settled = this.outcomes.get(item.name);
        if (settled) this.outcomes.set(item.name, { ...settled, verification });
      }),
    );
  }

  /** Deletes, then waits until the list no longer shows them. Returns the names confirmed gone. */
  private async deleteAndWait(names: readonly string[], onDeleted: (name: string, tables: readonly TableMeta[], alreadyGone: boolean) => void, onFailed: (name: string, message: string) => void): Promise<Set<string>> {
    const requested: string[] = [];
    await Promise.all(
      names.map(async (name) => {
        try {
          const result = await this.api.delete(this.target, name, { reconcile: this.deleteReconciler(name), limit: this.limit, settleMs: this.settleMs });
          requested.push(name);
          onDeleted(name, result.tables, result.alreadyGone);
        } catch (error) {
          onFailed(name, `delete failed: ${errorText(error)}`);
        }
      }),
    );
    if (requested.length === 0) return new Set();
    const wanted = new Set(requested);
    try {
      const waited = await this.watcher.wait('deletions', (live) => live.filter((c) => wanted.has(c.name)).map((c) => c.name), this.deadline());
      const stillListed = new Set(waited.pending);
      for (const name of stillListed) onFailed(name, `delete requested, but ${name} was still listed after ${formatDuration(this.options.timeoutMs)}`);
      return new Set(requested.filter((n) => !stillListed.has(n)));
    } catch (error) {
      for (const name of requested) onFailed(name, `delete requested; could not confirm it: ${errorText(error)}`);
      return new Set();
    }
  }

  private async deletePhase(removals: Change[]): Promise<void> {
    if (removals.length === 0) return;
    const byName = new Map(removals.map((r) => [r.name, r]));
    for (const item of removals) this.started.set(item.name, this.options.clock.now());
    const gone = await this.deleteAndWait(
      removals.map((r) => r.name),
      (name, tables, alreadyGone) => {
        this.tables.set(name, tables);
        const on = tables.length > 0 ? `; tables built on it: ${tablesText(tables)}` : '';
        this.log.info(`${alreadyGone ? 'already gone:' : 'deleted'} ${name} in ${this.key} (${formatDuration(this.options.clock.now() - (this.started.get(name) ?? 0))})${on}`);
      },
      (name, message) => {
        const item = byName.get(name);
        if (item) this.finish(item, 'failed', message);
        this.log.warning(`${name} in ${this.key}: ${message}`);
      },
    );
    for (const item of removals) {
      if (item.action === 'delete' && gone.has(item.name)) {
        // The outcome carries the tables; the renderers name them, so the message does not.
        this.finish(item, 'done');
      }
    }
  }

  /** Registers one JAR and waits until the connectors it should give are listed. */
  private async registerJar(jarUrl: string, expected: readonly { name: string; type: string }[]): Promise<{ parsed: readonly LiveConnector[]; live: readonly LiveConnector[]; missing: readonly string[] }> {
    const names = expected.map((e) => e.name);
    const parsed = await this.api.register(this.target, jarUrl, names, { reconcile: this.registerReconciler(expected), limit: this.limit, settleMs: this.settleMs });
    const given = new Set(parsed.map((c) => c.name));
    if (given.size === 0) return { parsed, live: [], missing: names };
    const waited = await this.watcher.wait('registrations', (live) => missingFrom(live, given), this.deadline());
    return { parsed, live: waited.live, missing: waited.pending };
  }

  private async registerPhase(registrations: Change[]): Promise<void> {
    if (registrations.length === 0) return;
    // One call per JAR: a JAR may declare several connectors.
    const byJar = new Map<string, Change[]>();
    for (const item of registrations) {
      if (!this.started.has(item.name)) this.started.set(item.name, this.options.clock.now());
      const jar = item.jarUrl ?? '';
      const group = byJar.get(jar);
      if (group) group.push(item);
      else byJar.set(jar, [item]);
    }
    // Every registration of the namespace is requested before the first poll, so the wait costs
    // one list call per tick for all of them.
    const requested = await Promise.all(
      [...byJar.entries()].map(async ([jarUrl, items]) => {
        try {
          const expected = items.map((i) => ({ name: i.name, type: i.type ?? '' }));
          const names = expected.map((e) => e.name);
          return { items, parsed: await this.api.register(this.target, jarUrl, names, { reconcile: this.registerReconciler(expected), limit: this.limit, settleMs: this.settleMs }) };
        } catch (error) {
          return { items, error };
        }
      }),
    );
    const expected = new Set(requested.flatMap((r) => (r.parsed ?? []).map((c) => c.name)));
    let waited: WaitOutcome = { live: [], pending: [...expected] };
    let waitError: unknown;
    if (expected.size > 0) {
      try {
        waited = await this.watcher.wait('registrations', (live) => missingFrom(live, expected), this.deadline());
      } catch (error) {
        waitError = error;
      }
    }
    // Failures are rolled back in parallel (within the parallelism limit), not one after another.
    await Promise.all(
      requested.map(async (group) => {
        if (group.parsed === undefined) {
          await Promise.all(group.items.map((item) => this.fail(item, `register failed: ${errorText(group.error)}`, [])));
          return;
        }
        // The service accepted these registrations, so nothing is rolled back: they exist, the list
        // just could not confirm them in time.
        if (waitError !== undefined) {
          for (const item of group.items) this.finish(item, 'failed', `registration requested; could not confirm it: ${errorText(waitError)}`);
          return;
        }
        await this.settleGroup(group.items, { parsed: group.parsed, live: waited.live, missing: waited.pending });
      }),
    );
  }

  /** Checks what one JAR's registration gave against each definition that asked for it. */
  private async settleGroup(items: Change[], result: { parsed: readonly LiveConnector[]; live: readonly LiveConnector[]; missing: readonly string[] }): Promise<void> {
    const failing: Promise<void>[] = [];
    const liveByName = new Map(result.live.map((c) => [c.name, c]));
    const missing = new Set(result.missing);
    // Connectors the JAR brought in that no item of this group asked for: not ours to keep.
    const unwanted = result.parsed.filter((c) => !items.some((i) => i.name === c.name && i.type === c.type)).map((c) => c.name);
    for (const item of items) {
      const declared = result.parsed.find((c) => c.name === item.name && c.type === item.type);
      if (!declared) {
        const declares = result.parsed.map((c) => `${c.name} (type ${c.type})`).join(', ') || 'no connector';
        failing.push(this.fail(item, `the JAR declares ${declares}, not ${item.name} (type ${item.type ?? '?'})`, unwanted.splice(0)));
        continue;
      }
      if (missing.has(item.name)) {
        this.finish(item, 'failed', `registration requested, but ${item.name} was not listed after ${formatDuration(this.options.timeoutMs)}`);
        continue;
      }
      const live = liveByName.get(item.name) ?? declared;
      const problems = item.desired ? contradictions(item.desired, live) : [];
      if (problems.length > 0) {
        failing.push(this.fail(item, 'registered, contradicted the definition', [item.name], problems.join('; ')));
        continue;
      }
      this.finish(item, 'done');
      this.log.info(`${item.action === 'replace' ? 'replaced' : 'registered'} ${item.name} in ${this.key} (${formatDuration(this.outcomes.get(item.name)?.durationMs ?? 0)})`);
    }
    await Promise.all(failing);
    // The platform registers every connector a JAR declares; extra ones are kept (the JAR is
    // registered as a whole) but said out loud, since no definition declares them.
    if (unwanted.length > 0) {
      this.log.warning(`the JAR also declares ${unwanted.join(', ')}, which no definition in ${this.key} declares; registered with it (declare them, or they show as unmanaged)`);
    }
  }

  /**
   * After an unclear register answer: which connectors that attempt brought in. Those named as
   * expected count, and so does any connector that was not listed before the attempt and carries
   * an expected type under another name (the JAR may declare another name than the definition);
   * the caller then keeps or removes it like any answer's. One look, or with `settle` the
   * namespace's shared poll for the settle window.
   */
  private registerReconciler(expected: readonly { name: string; type: string }[]): RegisterReconciler {
    const before = this.listed && new Set(this.listed.map((c) => c.name));
    const names = new Set(expected.map((e) => e.name));
    const types = new Set(expected.map((e) => e.type).filter((t) => t !== ''));
    const ours = (live: readonly LiveConnector[]): LiveConnector[] => live.filter((c) => names.has(c.name) || (before !== undefined && !before.has(c.name) && types.has(c.type)));
    const pending = (live: readonly LiveConnector[]): string[] => {
      const found = ours(live);
      return expected.filter((e) => !found.some((c) => c.name === e.name || c.type === e.type)).map((e) => e.name);
    };
    const what = expected.map((e) => e.name).join(', ');
    // A connector that was there before the attempt and holds an expected type explains an
    // "already exists" by itself: nothing of ours is on its way, so there is nothing to wait for.
    const held = (live: readonly LiveConnector[]): boolean => before !== undefined && live.some((c) => before.has(c.name) && !names.has(c.name) && types.has(c.type));
    return async (error, settle) => {
      let live: readonly LiveConnector[] = await this.limitedApi.list(this.target);
      // Part of a JAR listed means it was registered: the rest is only not visible yet.
      if (pending(live).length > 0 && ((settle && !held(live)) || ours(live).length > 0)) {
        this.log.info(`${this.key}: ${error.message}; looking again for up to ${formatDuration(this.settleMs)} for ${what} to be listed`);
        live = (await this.watcher.wait('registrations', pending, this.options.clock.now() + this.settleMs)).live;
      }
      const found = ours(live);
      if (found.length === 0) {
        this.log.info(`${this.key}: ${error.message}; ${what} not listed${settle ? '' : ': registering again'}`);
        return undefined;
      }
      this.log.info(`${this.key}: ${error.message}; ${found.map((c) => c.name).join(', ')} listed: the registration took effect`);
      return found;
    };
  }

  /** After an unclear delete answer: whether `name` is gone. One look, or with `settle` the shared poll for the settle window. */
  private deleteReconciler(name: string): DeleteReconciler {
    const listed = (live: readonly LiveConnector[]): string[] => (live.some((c) => c.name === name) ? [name] : []);
    return async (error, settle) => {
      let live: readonly LiveConnector[] = await this.limitedApi.list(this.target);
      if (listed(live).length > 0 && settle) {
        this.log.info(`${this.key}: ${error.message}; looking again for up to ${formatDuration(this.settleMs)} for ${name} to be gone`);
        live = (await this.watcher.wait('deletions', listed, this.options.clock.now() + this.settleMs)).live;
      }
      const gone = listed(live).length === 0;
      this.log.info(`${this.key}: ${error.message}; ${gone ? `${name} is gone: the delete took effect` : `${name} still listed${settle ? '' : ': deleting again'}`}`);
      return gone;
    };
  }

  /**
   * Puts a recorded JAR back, looking first at what is live: another connector of the same JAR may
   * have brought it back already. Each JAR is registered at most once per run.
   */
  private restore(jarUrl: string, wanted: { name: string; type: string }, isBack: (c: LiveConnector) => boolean): Promise<readonly LiveConnector[]> {
    let pending = this.rollbacks.get(jarUrl);
    if (!pending) {
      pending = (async () => {
        const live = await this.limitedApi.list(this.target);
        if (live.some(isBack)) return live;
        return (await this.registerJar(jarUrl, [wanted])).live;
      })();
      this.rollbacks.set(jarUrl, pending);
    }
    return pending;
  }

  /**
   * A registration failed. Connectors the wrong JAR brought in are removed again; a replace whose
   * previous JAR is on record gets that JAR back, so nothing that worked before is left deleted.
   * The outcome (and the one warning about it) says what the workspace holds afterwards.
   * `contradiction`: the connector registered but contradicts the definition.
   */
  private async fail(item: Change, reason: string, registeredByUs: readonly string[], contradiction?: string): Promise<void> {
    const replace = item.action === 'replace';
    let outcome = reason;
    if (registeredByUs.length > 0) {
      const kept: string[] = [];
      const gone = await this.deleteAndWait(registeredByUs, () => undefined, (name, message) => kept.push(`could not remove ${name} again: ${message}`));
      const removed = registeredByUs.filter((n) => gone.has(n));
      if (contradiction !== undefined) {
        // Nothing records the contradiction, so the same JAR and definition would go through the
        // same cycle again: the message says what to change instead.
        const head = `${replace ? 'the new JAR ' : ''}registered, contradicted the definition`;
        const next = 'a re-run does the same until jar_url or the definition changes';
        outcome = removed.includes(item.name) ? `${head}, removed again: ${contradiction} (${next})` : `${head}: ${contradiction}`;
      } else if (removed.length > 0) {
        outcome = `${reason}; ${removed.join(', ')} removed again`;
      }
      if (kept.length > 0) outcome += `; ${kept.join('; ')}`;
    }
    const previous = replace ? item.recorded : undefined;
    if (!previous) {
      const message = !replace ? outcome : contradiction !== undefined ? `deleted; ${outcome}; no recorded JAR to roll back to` : `deleted, but registering again failed: ${outcome}`;
      this.finish(item, 'failed', message);
      this.log.warning(`${item.name} in ${this.key}: ${message}`);
      return;
    }
    try {
      // Back means as it was at plan time: the same name and type alone could be the new JAR's
      // connector, registered after all.
      const isBack = (c: LiveConnector): boolean => c.name === item.name && c.type === previous.type && (!item.live || sameConnector(item.live, c));
      const live = await this.restore(previous.jarUrl, { name: item.name, type: previous.type }, isBack);
      const restored = live.find(isBack);
      if (!restored) throw new Error(`the recorded JAR did not give ${item.name} (type ${previous.type}) back`);
      this.finish(item, 'failed', `${outcome}; rolled back: registered the recorded JAR ${previous.jarUrl} again`, { rolledBack: true });
    } catch (error) {
      this.finish(item, 'failed', `${outcome}; rollback to ${previous.jarUrl} failed too: ${errorText(error)}`);
    }
    this.log.warning(`${item.name} in ${this.key}: ${this.outcomes.get(item.name)?.message ?? outcome}`);
  }
}
