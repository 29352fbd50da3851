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

/** How many change ids a comment carries at most; a larger plan is checked by its fingerprint alone. */
export const MAX_CHANGE_IDS = 1000;

/** A short, stable id of one change: target, connector, action and JAR, never volatile fields. */
export function changeId(workspaceId: string, namespace: string, name: string, action: string, jarUrl: string | undefined): string {
  return createHash('sha256').update(JSON.stringify([workspaceId, namespace, name, action, jarUrl ?? ''])).digest('hex').slice(0, 12);
}

type ChangeItem = Plan['targets'][number]['items'][number];

/** The id a reviewer saw for this change. */
export function idOf(item: ChangeItem): string {
  return changeId(item.target.workspaceId, item.target.namespace, item.name, item.action, item.jarUrl);
}

/**
 * The ids under which a planned change counts as reviewed: its own; for an adopt or a record-only
 * update, the register or replace of the same JAR (a reviewed register that turns out already
 * live, after a run that could not record it, is adopted); for a register, the replace of the same
 * JAR (a reviewed replace cut off between its delete and its register is finished).
 */
export function acceptedIds(item: ChangeItem): string[] {
  const as = (action: string): string => changeId(item.target.workspaceId, item.target.namespace, item.name, action, item.jarUrl);
  if (item.action === 'adopt' || item.action === 'update') return [idOf(item), as('register'), as('replace')];
  if (item.action === 'register') return [idOf(item), as('replace')];
  return [idOf(item)];
}

/** The ids of a plan's changes, sorted; undefined when there are more than a comment carries. */
export function planChangeIds(plan: Plan): string[] | undefined {
  const ids = [...new Set(plan.targets.flatMap((tp) => tp.items).filter(isChange).map(idOf))].sort();
  return ids.length <= MAX_CHANGE_IDS ? ids : undefined;
}
