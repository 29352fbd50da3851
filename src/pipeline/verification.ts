/**
 * The plan's SQL baseline of each replace (`readBaseline`), and what the apply reports of its verification: the `verified` and `regressions` outputs, an error
 * annotation on the definition of each replace that regressed (naming each deployment with the
 * service's message and place), and `plan-json` again with each replace's per-deployment results.
 */
import pLimit from 'p-limit';
import { type Subject, Verifier, regressions } from '../apply/verify.js';
import type { ApplyResult, DeploymentCheck, Plan, Verification } from '../model.js';
import { targetKey } from '../model.js';
import { planJsonOutput } from '../report/plan-json.js';
import type { UsageApi, ValidationApi } from '../ververica/connectors.js';
import type { WireDeployment } from '../ververica/sdk.js';
import { type SqlValidation, contextOf, describeFailure } from '../ververica/sql-validation.js';
import type { Reporter } from './reporter.js';

/** The plan with each applied replace carrying its verification. */
export function withVerification(plan: Plan, applied: ApplyResult): Plan {
  const byKey = new Map(applied.outcomes.filter((o) => o.verification).map((o) => [`${targetKey(o.target)}\u0000${o.name}`, o.verification]));
  const changed = (i: Plan['targets'][number]['items'][number]): boolean => i.action === 'replace' || i.action === 'register';
  if (byKey.size === 0) return plan;
  return {
    ...plan,
    targets: plan.targets.map((tp) => ({
      ...tp,
      items: tp.items.map((i) => {
        const verification = changed(i) ? byKey.get(`${targetKey(tp.target)}\u0000${i.name}`) : undefined;
        return verification ? { ...i, verification } : i;
      }),
    })),
  };
}

export function reportVerification(out: Reporter, plan: Plan, applied: ApplyResult): Plan {
  const checks = applied.outcomes.flatMap((o) => o.verification?.deployments ?? []);
  out.setOutput('verified', String(checks.filter((d) => d.result === 'verified').length));
  out.setOutput('regressions', String(checks.filter((d) => d.result === 'regressed').length));
  const verified = withVerification(plan, applied);
  for (const tp of verified.targets) {
    for (const item of tp.items) {
      const smokeAt = item.desired?.validateSqlLocation;
      for (const d of (item.verification?.statements ?? []).filter((c) => c.result === 'fails')) {
        if (smokeAt) out.error(`${item.name} in ${targetKey(tp.target)}: ${d.name} does not validate, so the connector was not kept: ${d.message ?? 'invalid'}`, { file: smokeAt.file, startLine: smokeAt.line, title: 'Flink connector validate_sql failed' });
      }
      const broken = regressions(item.verification);
      const location = item.desired?.location;
      if (broken.length === 0 || !location) continue;
      const outcome = applied.outcomes.find((o) => o.name === item.name && targetKey(o.target) === targetKey(tp.target));
      const undone = outcome?.rolledBack ? 'rolled back to the recorded JAR' : 'not rolled back';
      const names = broken.map((d) => `${d.name} (${d.message ?? 'invalid'})`).join('; ');
      out.error(`The replace of ${item.name} in ${targetKey(tp.target)} broke ${broken.length} deployment(s), ${undone}: ${names}`, { file: location.file, startLine: location.line, title: 'Flink connector replace regressed' });
    }
  }
  if (verified !== plan) out.setOutput('plan-json', planJsonOutput(verified));
  return verified;
}

/** Per deployment, whether its SQL validates today: what a reviewer of a replace sees. */
export function baselineChecks(subjects: readonly Subject[], results: ReadonlyMap<string, SqlValidation>, beyondLimit: readonly string[]): DeploymentCheck[] {
  const checks = subjects.map((s): DeploymentCheck => {
    const v = results.get(s.name);
    if (v === undefined) return { name: s.name, result: 'not-verified' };
    if (v.verdict === 'valid') return { name: s.name, result: 'validates' };
    const place = { ...(v.line !== undefined && { line: v.line }), ...(v.column !== undefined && { column: v.column }) };
    return { name: s.name, result: v.verdict === 'invalid' ? 'fails' : 'unknown', message: v.verdict === 'invalid' ? describeFailure(v) : v.message, ...place };
  });
  return [...checks, ...beyondLimit.map((name) => ({ name, result: 'not-verified' as const }))];
}

export interface BaselineOptions {
  readonly parallelism: number;
  /** Deployments validated per replaced connector at most (`verify-limit`). */
  readonly limit: number;
  readonly warn: (message: string) => void;
}

/**
 * The plan with each replace's users validated as things are today, from the deployments the impact
 * read (`deployments`, by target key). No call for a replace without users.
 */
export async function readBaseline(plan: Plan, api: UsageApi & ValidationApi, deployments: ReadonlyMap<string, readonly WireDeployment[]>, options: BaselineOptions): Promise<Plan> {
  const verifier = new Verifier({ api, limit: options.limit, scanLimit: 0 }, pLimit(options.parallelism), options.warn);
  const found = new Map<string, Verification>();
  await Promise.all(
    plan.targets.flatMap((tp) => {
      const byName = new Map((deployments.get(targetKey(tp.target)) ?? []).map((d) => [d.name ?? d.deploymentId ?? '', d]));
      return tp.items
        .filter((i) => i.action === 'replace' && i.impact?.known === true && i.impact.deployments.length > 0)
        .map(async (item) => {
          const subjects = (item.impact?.deployments ?? []).flatMap((u) => {
            const context = contextOf(byName.get(u.name) ?? {});
            return context ? [{ name: u.name, context }] : [];
          });
          const kept = subjects.slice(0, options.limit);
          const results = await verifier.validateAll(tp.target, kept);
          const refusal = verifier.refusal;
          found.set(`${targetKey(tp.target)}\u0000${item.name}`, refusal ? { deployments: [], unverified: refusal } : { deployments: baselineChecks(kept, results, subjects.slice(options.limit).map((s) => s.name)) });
        });
    }),
  );
  if (found.size === 0) return plan;
  return {
    ...plan,
    targets: plan.targets.map((tp) => ({ ...tp, items: tp.items.map((i) => {
      const verification = i.action === 'replace' ? found.get(`${targetKey(tp.target)}\u0000${i.name}`) : undefined;
      return verification ? { ...i, verification } : i;
    }) })),
  };
}
