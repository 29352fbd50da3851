/**
 * The emulated deployments (Flink jobs) and catalog tables of each namespace: what tells who uses a
 * connector. Seeded from the catalog file's `usage` key, the `/__emulator/usage` control endpoint or
 * the handle; read through `ListDeployments` (paged), `GetCatalogs`, `GetDatabases` and `GetTables`.
 * No HTTP here, so paging and the shapes are testable alone.
 */
import type { Target } from '../model.js';

/** One deployment as a seed names it. Missing kind: SQLSCRIPT; missing running: 0. */
export interface DeploymentSpec {
  readonly name: string;
  readonly kind?: 'SQLSCRIPT' | 'JAR' | 'PYTHON';
  /** The SQL script of a SQLSCRIPT deployment. */
  readonly sql?: string;
  /** Running jobs (`jobSummary.running`). */
  readonly running?: number;
}

/** One catalog table as a seed names it: `catalog.database.table`, and the connector it is built on. */
export interface TableSpec {
  readonly table: string;
  readonly connector?: string;
}

/** What one namespace holds besides connectors. */
export interface UsageSpec {
  readonly deployments?: readonly DeploymentSpec[];
  readonly tables?: readonly TableSpec[];
}

/** A seed for a target, as the catalog file's `usage` list and the control endpoint take it. */
export interface TargetUsageSpec extends UsageSpec {
  readonly workspaceId: string;
  readonly namespace: string;
}

interface StoredTable {
  readonly catalog: string;
  readonly database: string;
  readonly name: string;
  readonly connector?: string;
}

interface Held {
  readonly deployments: Map<string, DeploymentSpec>;
  readonly tables: Map<string, StoredTable>;
}

/** The largest page `ListDeployments` serves; larger requests get this many. */
export const MAX_PAGE_SIZE = 100;

export class UsageStore {
  private readonly held = new Map<string, Held>();

  /** Adds (or, by name, replaces) deployments and tables. */
  seed(target: Target, spec: UsageSpec): void {
    const entry = this.entry(target);
    for (const d of spec.deployments ?? []) entry.deployments.set(d.name, d);
    for (const t of spec.tables ?? []) {
      const [catalog = '', database = '', name = ''] = t.table.split('.');
      entry.tables.set(t.table, { catalog, database, name, connector: t.connector });
    }
  }

  /** The `ListDeployments` body fields: one page of wire deployments, and the paging. */
  deployments(target: Target, pageIndex: number, pageSize: number): { data: unknown[]; pageIndex: number; pageSize: number; totalSize: number } {
    const all = [...(this.held.get(key(target))?.deployments.values() ?? [])];
    const size = Math.min(Math.max(pageSize, 1), MAX_PAGE_SIZE);
    const index = Math.max(pageIndex, 1);
    const page = all.slice((index - 1) * size, index * size);
    return { data: page.map((d) => wireDeployment(target, d)), pageIndex: index, pageSize: size, totalSize: all.length };
  }

  catalogs(target: Target): unknown[] {
    const names = new Set(this.tables(target).map((t) => t.catalog));
    return [...names].sort().map((name) => ({ name, properties: { type: 'vvp' }, extensionConf: {} }));
  }

  databases(target: Target, catalog: string): unknown[] {
    const names = new Set(this.tables(target).filter((t) => t.catalog === catalog).map((t) => t.database));
    return [...names].sort().map((name) => ({ name, comment: '', properties: {} }));
  }

  tablesOf(target: Target, catalog: string, database: string): unknown[] {
    return this.tables(target)
      .filter((t) => t.catalog === catalog && t.database === database)
      .map((t) => ({
        name: t.name,
        properties: { ...(t.connector !== undefined && { connector: t.connector }), tableType: 'TABLE', comment: '' },
        schema: { columns: [] },
      }));
  }

  private tables(target: Target): StoredTable[] {
    return [...(this.held.get(key(target))?.tables.values() ?? [])];
  }

  private entry(target: Target): Held {
    let entry = this.held.get(key(target));
    if (entry === undefined) {
      entry = { deployments: new Map(), tables: new Map() };
      this.held.set(key(target), entry);
    }
    return entry;
  }
}

function key(target: Target): string {
  return JSON.stringify([target.workspaceId, target.namespace]);
}

function wireDeployment(target: Target, d: DeploymentSpec): unknown {
  const kind = d.kind ?? 'SQLSCRIPT';
  return {
    deploymentId: `dep-${Buffer.from(d.name).toString('hex').slice(0, 24)}`,
    name: d.name,
    namespace: target.namespace,
    workspace: target.workspaceId,
    executionMode: 'STREAMING',
    engineVersion: 'vvr-8.0.9-flink-1.17',
    flinkConf: {},
    artifact: kind === 'SQLSCRIPT' ? { kind, sqlArtifact: { sqlScript: d.sql ?? '', additionalDependencies: [] } } : { kind, jarArtifact: { jarUri: `oss://jobs/${d.name}.jar` } },
    jobSummary: { running: d.running ?? 0, starting: 0, cancelling: 0, cancelled: 0, failed: 0, finished: 0 },
    labels: {},
    createdAt: '1700000000000',
    modifiedAt: '1700000000000',
  };
}

/** Validates seeds that arrived as JSON or YAML; returns them, or every problem found. */
export function validateUsageSpecs(value: unknown, at = 'usage'): { specs: TargetUsageSpec[] } | { problems: string[] } {
  const list: unknown[] = Array.isArray(value) ? value : [value];
  const problems: string[] = [];
  list.forEach((item, index) => {
    const where = `${at}[${index}]`;
    if (!isRecord(item)) return void problems.push(`${where}: must be a mapping with workspaceId, namespace, deployments, tables`);
    for (const k of Object.keys(item)) if (!['workspaceId', 'namespace', 'deployments', 'tables'].includes(k)) problems.push(`${where}: unknown key \`${k}\``);
    for (const k of ['workspaceId', 'namespace']) if (typeof item[k] !== 'string' || item[k] === '') problems.push(`${where}.${k}: must be a non-empty string`);
    listOf(item.deployments, `${where}.deployments`, problems, (d, w) => {
      if (typeof d.name !== 'string' || d.name === '') problems.push(`${w}.name: must be a non-empty string`);
      if (d.kind !== undefined && !['SQLSCRIPT', 'JAR', 'PYTHON'].includes(d.kind as string)) problems.push(`${w}.kind: must be SQLSCRIPT, JAR or PYTHON`);
      if (d.sql !== undefined && typeof d.sql !== 'string') problems.push(`${w}.sql: must be a string`);
      if (d.running !== undefined && !(Number.isInteger(d.running) && (d.running as number) >= 0)) problems.push(`${w}.running: must be a whole number >= 0`);
    });
    listOf(item.tables, `${where}.tables`, problems, (t, w) => {
      if (typeof t.table !== 'string' || !/^[^.\s]+\.[^.\s]+\.[^.\s]+$/.test(t.table)) problems.push(`${w}.table: must be catalog.database.table`);
      if (t.connector !== undefined && typeof t.connector !== 'string') problems.push(`${w}.connector: must be a string`);
    });
  });
  return problems.length > 0 ? { problems } : { specs: list as TargetUsageSpec[] };
}

function listOf(value: unknown, at: string, problems: string[], check: (item: Record<string, unknown>, at: string) => void): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) return void problems.push(`${at}: must be a list`);
  value.forEach((item, index) => (isRecord(item) ? check(item, `${at}[${index}]`) : problems.push(`${at}[${index}]: must be a mapping`)));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
