/**
 * Who uses a connector type, from what was read of a namespace: the deployments whose SQL declares
 * it inline or names a catalog table built on it, and those tables. Pure.
 */
import type { ConnectorUser, Impact, Plan, PlanItem, PlanWarning } from '../model.js';
import { targetKey } from '../model.js';
import { type SqlUse, scanSql } from './sql.js';

export interface DeploymentInfo {
  readonly name: string;
  /** `artifact.kind` */
  readonly kind: string;
  readonly running: number;
  /** The SQL script of a SQLSCRIPT deployment. */
  readonly sql?: string;
}

export interface TableInfo {
  /** `catalog.database.table` */
  readonly id: string;
  /** `properties.connector` */
  readonly connector?: string;
}

/** What was read of one namespace, deployments' SQL already scanned. */
export interface Usage {
  readonly deployments: readonly (DeploymentInfo & { readonly use?: SqlUse })[];
  readonly tables: readonly TableInfo[];
  /** The catalog walk stopped at the scan limit. */
  readonly incomplete: boolean;
}

/** Scans each SQL script once, so many connectors of one namespace cost one scan. */
export function usageOf(deployments: readonly DeploymentInfo[], tables: readonly TableInfo[], incomplete: boolean): Usage {
  return { deployments: deployments.map((d) => (d.sql === undefined ? d : { ...d, use: scanSql(d.sql) })), tables, incomplete };
}

const byRunningThenName = (a: ConnectorUser, b: ConnectorUser): number =>
  Number(b.running > 0) - Number(a.running > 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function impactOf(connectorType: string, usage: Usage): Impact {
  const type = connectorType.toLowerCase();
  const tables = usage.tables.filter((t) => t.connector?.trim().toLowerCase() === type).map((t) => t.id);
  const tableIds = new Set(tables.map((t) => t.toLowerCase()));
  const deployments: ConnectorUser[] = [];
  for (const d of usage.deployments) {
    if (d.use === undefined) continue;
    const via: ('inline' | 'table')[] = [];
    if (d.use.inlineConnectors.has(type)) via.push('inline');
    if ([...d.use.tableRefs].some((ref) => tableIds.has(ref))) via.push('table');
    if (via.length > 0) deployments.push({ name: d.name, kind: d.kind, running: d.running, via });
  }
  return { known: true, deployments: deployments.sort(byRunningThenName), tables: [...tables].sort(), incomplete: usage.incomplete };
}

export const unknownImpact = (note: string): Impact => ({ known: false, deployments: [], tables: [], incomplete: false, note });

/** Whether an item's impact is read: replaces and deletes of a live connector. */
export function needsImpact(item: PlanItem): boolean {
  return (item.action === 'replace' || item.action === 'delete') && item.live !== undefined;
}

/** The plan with each replace and delete (or each item `which` chooses) carrying its impact (keyed by `targetKey`), plus warnings. */
export function withImpact(plan: Plan, impacts: ReadonlyMap<string, (item: PlanItem) => Impact>, warnings: readonly PlanWarning[], which: (item: PlanItem) => boolean = needsImpact): Plan {
  return {
    ...plan,
    targets: plan.targets.map((tp) => {
      const of = impacts.get(targetKey(tp.target));
      return of === undefined ? tp : { ...tp, items: tp.items.map((i) => (which(i) ? { ...i, impact: of(i) } : i)) };
    }),
    warnings: [...plan.warnings, ...warnings],
  };
}

/** One sentence: what the action does to the jobs that use the connector. */
export function impactSentence(action: 'replace' | 'delete', impact: Impact): string | undefined {
  if (!impact.known) return undefined;
  const running = impact.deployments.filter((d) => d.running > 0).length;
  const stopped = impact.deployments.length - running;
  if (impact.deployments.length === 0) {
    return impact.tables.length > 0 && action === 'delete' ? 'No deployment uses it, but jobs started later on the tables built on it will fail.' : undefined;
  }
  if (action === 'replace') {
    return running > 0
      ? `Running jobs keep the old JAR until they restart; a restart picks up the new one.${stopped > 0 ? ' Stopped deployments use the new JAR when started.' : ''}`
      : 'No job is running; deployments use the new JAR when started.';
  }
  return running > 0
    ? 'Running jobs keep running, but will fail on their next restart: the connector will be gone.'
    : 'No job is running, but these deployments will fail when started: the connector will be gone.';
}

function capped(names: readonly string[], max: number): string {
  const shown = names.slice(0, max);
  return names.length > shown.length ? `${shown.join(', ')} and ${names.length - shown.length} more` : shown.join(', ');
}

/**
 * `used by 2 running deployments: orders-etl (3 running), audit (1 running); 3 tables: a.b.c, ...`,
 * each list capped at `maxNames` with "and N more".
 */
export function impactLine(impact: Impact, maxNames = Infinity): string {
  if (!impact.known) return `impact unknown${impact.note ? ` (${impact.note})` : ''}`;
  const running = impact.deployments.filter((d) => d.running > 0);
  const stopped = impact.deployments.filter((d) => d.running === 0);
  const parts: string[] = [];
  if (running.length > 0) {
    parts.push(`used by ${running.length} running deployment${running.length === 1 ? '' : 's'}: ${capped(running.map((d) => `${d.name} (${d.running} running)`), maxNames)}`);
  }
  if (stopped.length > 0) {
    parts.push(`${running.length > 0 ? '' : 'used by '}${stopped.length} deployment${stopped.length === 1 ? '' : 's'} with no running job: ${capped(stopped.map((d) => d.name), maxNames)}`);
  }
  if (impact.deployments.length === 0) parts.push('used by no deployment');
  const tables = `${impact.tables.length} table${impact.tables.length === 1 ? '' : 's'}`;
  parts.push(impact.tables.length > 0 ? `${tables}: ${capped(impact.tables, maxNames)}` : tables);
  if (impact.incomplete) parts.push('incomplete: the catalog scan stopped at impact-scan-limit tables');
  return parts.join('; ');
}
