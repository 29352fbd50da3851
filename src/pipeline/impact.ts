/**
 * Reads who uses the connectors a plan replaces or deletes: the namespace's deployments (paged) and
 * its catalog tables (a walk bounded by `impact-scan-limit`), only for targets with such a change,
 * through the client's retries and at most `parallelism` calls at once. A refused or failed read
 * makes the impact unknown, with a warning, never a failed plan.
 */
import pLimit from 'p-limit';
import { type DeploymentInfo, type TableInfo, type Usage, impactOf, needsImpact, unknownImpact, usageOf, withImpact } from '../impact/impact.js';
import type { Impact, Plan, PlanItem, PlanWarning, Target } from '../model.js';
import { targetKey } from '../model.js';
import { CloudError } from '../ververica/errors.js';
import type { UsageApi } from '../ververica/connectors.js';
import type { WireDeployment } from '../ververica/sdk.js';

/** `ListDeployments` page size: the largest the service serves. */
export const DEPLOYMENTS_PAGE_SIZE = 100;

export interface ImpactReadOptions {
  readonly parallelism: number;
  /** Catalog tables read per target at most; beyond it the impact says "incomplete". */
  readonly scanLimit: number;
  /** Told what was read of each target. */
  readonly onRead?: (target: Target, deployments: number, tables: number) => void;
  /** Handed each target's deployments as read (the plan's SQL baseline validates them in their own context). */
  readonly onDeployments?: (target: Target, deployments: readonly WireDeployment[]) => void;
  /** The changes whose impact is read (default: every replace and delete of a live connector). */
  readonly which?: (item: PlanItem) => boolean;
}

type Limit = ReturnType<typeof pLimit>;

function deploymentInfo(d: WireDeployment): DeploymentInfo {
  const kind = d.artifact?.kind ?? 'UNKNOWN';
  return { name: d.name ?? d.deploymentId ?? '', kind, running: d.jobSummary?.running ?? 0, sql: kind === 'SQLSCRIPT' ? (d.artifact?.sqlArtifact?.sqlScript ?? '') : undefined };
}

async function readDeployments(api: UsageApi, target: Target, limit: Limit): Promise<WireDeployment[]> {
  const first = await limit(() => api.listDeployments(target, 1, DEPLOYMENTS_PAGE_SIZE));
  const pages = Math.ceil(first.totalSize / DEPLOYMENTS_PAGE_SIZE);
  const rest = await Promise.all(
    Array.from({ length: Math.max(pages - 1, 0) }, (_, i) => limit(() => api.listDeployments(target, i + 2, DEPLOYMENTS_PAGE_SIZE))),
  );
  return [first, ...rest].flatMap((page) => [...page.deployments]);
}

/** Catalogs, then databases, then tables `parallelism` databases at a time until `scanLimit` tables are read. */
export async function readTables(api: UsageApi, target: Target, limit: Limit, parallelism: number, scanLimit: number): Promise<{ tables: TableInfo[]; incomplete: boolean }> {
  const catalogs = await limit(() => api.getCatalogs(target));
  const databases = (await Promise.all(catalogs.map((c) => limit(async () => (await api.getDatabases(target, c)).map((d) => [c, d] as const))))).flat();
  const tables: TableInfo[] = [];
  let next = 0;
  while (next < databases.length && tables.length < scanLimit) {
    const batch = databases.slice(next, next + parallelism);
    next += batch.length;
    const read = await Promise.all(batch.map(([c, d]) => limit(async () => (await api.getTables(target, c, d)).map((t) => ({ id: `${c}.${d}.${t.name}`, connector: t.connector })))));
    tables.push(...read.flat());
  }
  return { tables: tables.slice(0, scanLimit), incomplete: tables.length > scanLimit || next < databases.length };
}

function failureWarning(target: Target, error: unknown): { warning: PlanWarning; note: string } {
  const key = targetKey(target);
  if (error instanceof CloudError && error.statusCode === 403) {
    const permission = `stream:${error.action}`;
    return {
      note: `missing RAM permission ${permission}`,
      warning: { target, message: `Impact unknown in ${key}: ${error.action} was refused (HTTP 403 ${error.code}). Grant the optional RAM permission ${permission} to see which Flink jobs and tables a replace or delete touches.` },
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { note: 'the reads failed', warning: { target, message: `Impact unknown in ${key}: ${message}` } };
}

/** The plan with the impact of every replace and delete (`which` narrows them); a plan without them is returned as it is, with no call made. */
export async function readImpact(plan: Plan, api: UsageApi, options: ImpactReadOptions): Promise<Plan> {
  const which = (item: PlanItem): boolean => needsImpact(item) && (options.which?.(item) ?? true);
  const targets = plan.targets.filter((tp) => tp.items.some(which)).map((tp) => tp.target);
  if (targets.length === 0) return plan;
  const limit = pLimit(options.parallelism);
  const warnings: PlanWarning[] = [];
  const impacts = new Map<string, (item: PlanItem) => Impact>();
  await Promise.all(
    targets.map(async (target) => {
      try {
        const [wire, walk] = await Promise.all([
          readDeployments(api, target, limit),
          readTables(api, target, limit, options.parallelism, options.scanLimit),
        ]);
        const deployments: DeploymentInfo[] = wire.map(deploymentInfo);
        options.onDeployments?.(target, wire);
        const usage: Usage = usageOf(deployments, walk.tables, walk.incomplete);
        options.onRead?.(target, deployments.length, walk.tables.length);
        impacts.set(targetKey(target), (item) => impactOf(item.live?.type ?? item.type ?? item.name, usage));
        if (walk.incomplete) {
          warnings.push({ target, message: `Impact in ${targetKey(target)} is incomplete: the catalog scan stopped after ${options.scanLimit} tables (impact-scan-limit).` });
        }
      } catch (error) {
        const { warning, note } = failureWarning(target, error);
        warnings.push(warning);
        impacts.set(targetKey(target), () => unknownImpact(note));
      }
    }),
  );
  warnings.sort((a, b) => (targetKey(a.target as Target) < targetKey(b.target as Target) ? -1 : 1));
  return withImpact(plan, impacts, warnings, which);
}
