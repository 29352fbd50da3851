/**
 * A fingerprint of what a plan would change, so a later run can tell whether the plan a reviewer
 * saw is still the plan that would be applied. It covers only what the apply acts on (action,
 * target, name, type, JAR URL): rewording a reason, live-only fields such as creator or modifier,
 * item order and the unchanged/unmanaged lists never change it.
 */
import { createHash } from 'node:crypto';
import type { Plan } from '../model.js';
import { isChange } from './format.js';

/** Bumped if what is hashed ever changes, so old and new fingerprints never match by accident. */
const SCHEME = 'flink-connector-plan/v1';

/** Hex SHA-256 over the sorted list of changes. */
export function planFingerprint(plan: Plan): string {
  const changes = plan.targets
    .flatMap((tp) => tp.items)
    .filter(isChange)
    .map((i) => JSON.stringify([i.action, i.target.workspaceId, i.target.namespace, i.name, i.type ?? null, i.jarUrl ?? null]))
    .sort();
  return createHash('sha256').update(JSON.stringify([SCHEME, changes])).digest('hex');
}
