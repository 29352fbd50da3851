/**
 * Expectations are checked, never enforced by re-registering: the connector's fields come from its
 * JAR, so when the record says the live connector came from the declared JAR, and the live type is
 * still the recorded one (nobody registered something else by hand since), a contradiction is a
 * mistake in the definition (or the JAR), and registering the same JAR again cannot fix it. A live
 * type that differs from the recorded one is a change made outside the action: a replace heals it.
 */
import { type Plan, type SourceLocation, type Target, isUnknownJar, targetKey } from '../model.js';
import { contradictionsOf } from './compare.js';

export interface ExpectationFailure {
  readonly target: Target;
  readonly name: string;
  /** The definition file and the line of the contradicted key. */
  readonly location: SourceLocation;
  readonly message: string;
}

/** The contradicted expectations of connectors whose JAR and type are, by the record, the declared JAR and the live type. */
export function expectationFailures(plan: Plan): ExpectationFailure[] {
  return plan.targets.flatMap((tp) =>
    tp.items.flatMap((item) => {
      const { desired, live, recorded } = item;
      const sameJar = recorded !== undefined && !isUnknownJar(recorded.jarUrl) && recorded.jarUrl === desired?.jarUrl;
      if (item.action !== 'replace' || !desired || !live || !sameJar || live.type !== recorded.type) return [];
      return contradictionsOf(desired, live).map((c) => ({
        target: tp.target,
        name: item.name,
        location: { file: desired.location.file, line: desired.expectationLines?.[c.field] ?? desired.location.line },
        message: `${item.name} in ${targetKey(tp.target)}: \`${c.field}\`: the JAR provides ${c.live}; the definition declares ${c.declared}; change the JAR or the definition`,
      }));
    }),
  );
}

/** Why the plan may not go ahead: a declared expectation the unchanged JAR does not meet, if any. */
export function expectationRefusal(plan: Plan): string | undefined {
  const failures = expectationFailures(plan);
  if (failures.length === 0) return undefined;
  const list = failures.map((f) => `${f.message} (${f.location.file}:${f.location.line})`).join('; ');
  return `${failures.length} declared expectation${failures.length === 1 ? ' is' : 's are'} not met by ${failures.length === 1 ? 'a connector' : 'connectors'} whose JAR is unchanged, and registering the same JAR again cannot change what it provides: ${list}.`;
}
