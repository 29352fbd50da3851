/**
 * Proves a replace: the SQL of each deployment that uses the connector is validated before the old
 * JAR is deleted (the baseline) and after the new one is registered and visible. Valid before and
 * invalid after is a regression; invalid before is reported, not counted; a validation whose result
 * stays unknown is unknown, never a regression. The decisions are pure (`judge`, `verdictOf`); the
 * reads go through the client's retries and the apply's parallelism limit.
 */
import type pLimit from 'p-limit';
import type { DeploymentCheck, PlanItem, Target, Verification } from '../model.js';
import { targetKey } from '../model.js';
import { type TableInfo, impactOf, usageOf } from '../impact/impact.js';
import { DEPLOYMENTS_PAGE_SIZE, readTables } from '../pipeline/impact.js';
import type { UsageApi, ValidationApi } from '../ververica/connectors.js';
import { CloudError } from '../ververica/errors.js';
import type { WireDeployment } from '../ververica/sdk.js';
import { type SqlContext, type SqlValidation, contextOf, describeFailure } from '../ververica/sql-validation.js';

export const VALIDATE_PERMISSION = 'stream:ValidateSqlStatement';

export interface VerifyOptions {
  readonly api: UsageApi & ValidationApi;
  /** Deployments validated per replaced connector at most (`verify-limit`). */
  readonly limit: number;
  /** Catalog tables read per target at most (`impact-scan-limit`). */
  readonly scanLimit: number;
}

/** One deployment to validate, in its own context. */
export interface Subject {
  readonly name: string;
  readonly context: SqlContext;
}

/** The subjects of one replace, and the users beyond the limit. */
export interface Baseline {
  readonly subjects: readonly Subject[];
  readonly before: ReadonlyMap<string, SqlValidation>;
  readonly beyondLimit: readonly string[];
  readonly unverified?: string;
}

/** A result of one deployment from its validation before and after the replace. */
export function judge(name: string, before: SqlValidation | undefined, after: SqlValidation | undefined): DeploymentCheck {
  const place = (v: SqlValidation): Partial<DeploymentCheck> => ({ message: describeFailure(v), ...(v.line !== undefined && { line: v.line }), ...(v.column !== undefined && { column: v.column }) });
  if (before?.verdict === 'invalid') return { name, result: 'already-invalid', ...place(before) };
  if (after === undefined) return { name, result: 'not-verified' };
  if (after.verdict === 'unknown' || before?.verdict === 'unknown' || before === undefined) {
    return after.verdict === 'valid' && before !== undefined ? { name, result: 'verified' } : { name, result: 'unknown', message: (after.verdict === 'unknown' ? after : before)?.message };
  }
  if (after.verdict === 'invalid') return { name, result: 'regressed', ...place(after) };
  return { name, result: 'verified' };
}

export const regressions = (v: Verification | undefined): DeploymentCheck[] => (v?.deployments ?? []).filter((d) => d.result === 'regressed');

/** `orders-etl: line 5, column 3: Unsupported options ...`, one per regressed deployment. */
export function regressionText(v: Verification): string {
  return regressions(v).map((d) => `${d.name}: ${d.message ?? 'invalid'}`).join('; ');
}

/** `N deployment(s) still validate` and friends, one line for logs. */
export function verificationLine(v: Verification): string {
  if (v.unverified) return `not verified: ${v.unverified}`;
  const count = (r: DeploymentCheck['result']): number => v.deployments.filter((d) => d.result === r).length;
  if (v.deployments.length === 0) return 'no deployment uses it: nothing to verify';
  const parts = [`${count('verified')} of ${v.deployments.length} deployment(s) validate after the replace`];
  for (const [r, label] of [['regressed', 'regressed'], ['already-invalid', 'already invalid before'], ['unknown', 'unknown'], ['not-verified', 'not verified (verify-limit)']] as const) {
    if (count(r) > 0) parts.push(`${count(r)} ${label}`);
  }
  return parts.join(', ');
}

type Limit = ReturnType<typeof pLimit>;

/**
 * Validates for the apply of all targets. A refused permission is said once and turns every later
 * validation into "unverified", so no job costs a refused call after the first.
 */
export class Verifier {
  private refused: string | undefined;
  private warned = false;
  /** The run's first validation goes alone: a refused permission then costs one call, not one per job. */
  private first: Promise<unknown> | undefined;

  constructor(
    private readonly options: VerifyOptions,
    private readonly limit: Limit,
    private readonly warn: (message: string) => void,
  ) {}

  /** Reads who uses each replaced connector of the target and validates their SQL as it is now. */
  async baseline(target: Target, replaces: readonly PlanItem[]): Promise<Map<string, Baseline>> {
    const result = new Map<string, Baseline>();
    if (replaces.length === 0) return result;
    let deployments: WireDeployment[];
    let tables: TableInfo[];
    let incomplete: boolean;
    try {
      [deployments, { tables, incomplete }] = await Promise.all([this.readDeployments(target), readTables(this.options.api, target, this.limit, this.limit.concurrency, this.options.scanLimit)]);
    } catch (error) {
      const why = `could not read who uses it in ${targetKey(target)}: ${error instanceof Error ? error.message : String(error)}`;
      for (const item of replaces) result.set(item.name, { subjects: [], before: new Map(), beyondLimit: [], unverified: why });
      return result;
    }
    const byName = new Map(deployments.map((d) => [d.name ?? d.deploymentId ?? '', d]));
    const usage = usageOf(
      deployments.map((d) => ({ name: d.name ?? d.deploymentId ?? '', kind: d.artifact?.kind ?? 'UNKNOWN', running: d.jobSummary?.running ?? 0, sql: d.artifact?.sqlArtifact?.sqlScript })),
      tables,
      incomplete,
    );
    await Promise.all(
      replaces.map(async (item) => {
        const users = impactOf(item.live?.type ?? item.type ?? item.name, usage).deployments;
        const subjects = users.flatMap((u) => {
          const context = contextOf(byName.get(u.name) ?? {});
          return context ? [{ name: u.name, context }] : [];
        });
        const kept = subjects.slice(0, this.options.limit);
        const before = await this.validateAll(target, kept);
        result.set(item.name, { subjects: kept, before, beyondLimit: subjects.slice(this.options.limit).map((s) => s.name), unverified: this.refused });
      }),
    );
    return result;
  }

  /** Validates the baseline's subjects again, now that the new JAR is registered and visible. */
  async after(target: Target, baseline: Baseline): Promise<Verification> {
    if (baseline.unverified) return { deployments: [], unverified: baseline.unverified };
    const after = await this.validateAll(target, baseline.subjects);
    if (this.refused) return { deployments: [], unverified: this.refused };
    return {
      deployments: [
        ...baseline.subjects.map((s) => judge(s.name, baseline.before.get(s.name), after.get(s.name))),
        ...baseline.beyondLimit.map((name) => ({ name, result: 'not-verified' as const })),
      ],
    };
  }

  private async readDeployments(target: Target): Promise<WireDeployment[]> {
    const first = await this.limit(() => this.options.api.listDeployments(target, 1, DEPLOYMENTS_PAGE_SIZE));
    const pages = Math.ceil(first.totalSize / DEPLOYMENTS_PAGE_SIZE);
    const rest = await Promise.all(Array.from({ length: Math.max(pages - 1, 0) }, (_, i) => this.limit(() => this.options.api.listDeployments(target, i + 2, DEPLOYMENTS_PAGE_SIZE))));
    return [first, ...rest].flatMap((page) => [...page.deployments]);
  }

  /**
   * The definition's smoke statements against what is registered now: `validate_sql[1]` validates,
   * fails (with the service's message and place) or is unknown; none when the permission is refused.
   */
  async smoke(target: Target, statements: readonly string[]): Promise<DeploymentCheck[]> {
    const subjects = statements.map((statement, i) => ({ name: `validate_sql[${i + 1}]`, context: { statement, batchMode: false } }));
    const results = await this.validateEach(target, subjects);
    return subjects.flatMap((s): DeploymentCheck[] => {
      const v = results.get(s.name);
      if (v === undefined) return [];
      if (v.verdict === 'valid') return [{ name: s.name, result: 'validates' }];
      if (v.verdict === 'unknown') return [{ name: s.name, result: 'unknown', message: v.message }];
      return [{ name: s.name, result: 'fails', message: describeFailure(v), ...(v.line !== undefined && { line: v.line }), ...(v.column !== undefined && { column: v.column }) }];
    });
  }

  /** Why nothing more is validated (a refused permission), once that happened. */
  get refusal(): string | undefined {
    return this.refused;
  }

  /** Each subject's validation as things are now; a subject missing from the answer was not validated. */
  validateAll(target: Target, subjects: readonly Subject[]): Promise<Map<string, SqlValidation>> {
    return this.validateEach(target, subjects);
  }

  private async validateEach(target: Target, subjects: readonly Subject[]): Promise<Map<string, SqlValidation>> {
    const results = new Map<string, SqlValidation>();
    await Promise.all(
      subjects.map(async (s) => {
        const v = await this.validate(target, s.context);
        if (v) results.set(s.name, v);
      }),
    );
    return results;
  }

  /** Undefined once the permission is refused; an error that outlasted the retries is unknown. */
  private async validate(target: Target, context: SqlContext): Promise<SqlValidation | undefined> {
    if (this.first) await this.first.catch(() => undefined);
    if (this.refused) return undefined;
    const call = this.limit(() => this.options.api.validateSql(target, context));
    this.first ??= call;
    try {
      return await call;
    } catch (error) {
      if (error instanceof CloudError && error.statusCode === 403) {
        this.refused = `missing RAM permission ${VALIDATE_PERMISSION}`;
        if (!this.warned) {
          this.warned = true;
          this.warn(`ValidateSqlStatement was refused (HTTP 403 ${error.code}): replaces are not verified. Grant the RAM permission ${VALIDATE_PERMISSION} to check that the jobs using a replaced connector still validate.`);
        }
        return undefined;
      }
      return { verdict: 'unknown', message: `validation failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
}
