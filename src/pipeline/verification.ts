/**
 * What the apply reports of its verification: the `verified` and `regressions` outputs, an error
 * annotation on the definition of each replace that regressed (naming each deployment with the
 * service's message and place), and `plan-json` again with each replace's per-deployment results.
 */
import { regressions } from '../apply/verify.js';
import type { ApplyResult, Plan } from '../model.js';
import { targetKey } from '../model.js';
import { planJsonOutput } from '../report/plan-json.js';
import type { Reporter } from './reporter.js';

/** The plan with each applied replace carrying its verification. */
export function withVerification(plan: Plan, applied: ApplyResult): Plan {
  const byKey = new Map(applied.outcomes.filter((o) => o.verification).map((o) => [`${targetKey(o.target)}\u0000${o.name}`, o.verification]));
  if (byKey.size === 0) return plan;
  return {
    ...plan,
    targets: plan.targets.map((tp) => ({
      ...tp,
      items: tp.items.map((i) => {
        const verification = i.action === 'replace' ? byKey.get(`${targetKey(tp.target)}\u0000${i.name}`) : undefined;
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
