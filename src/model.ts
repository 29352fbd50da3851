/**
 * The vocabulary shared by every module: what the user declares, what the
 * workspace holds, and what the plan and the apply make of the two.
 * Types only (plus two tiny helpers), so any module may import it.
 */

/** A (workspace, namespace) pair: the unit the API lists and the unit a plan is grouped by. */
export interface Target {
  readonly workspaceId: string;
  readonly namespace: string;
}

/**
 * The host of the `jar_url` that export writes when the live JAR is unknown (the API does not say
 * which JAR a connector came from): valid, obviously not real, and explained in the file.
 */
export const UNKNOWN_JAR_HOST = 'jar-url-unknown';

/** Whether a JAR URL is export's placeholder for a JAR nobody knew. */
export function isUnknownJar(url: string): boolean {
  return url.startsWith(`oss://${UNKNOWN_JAR_HOST}/`);
}

/** `workspace/namespace`, the key a target is known by in maps, logs and reports. */
export function targetKey(target: Target): string {
  return `${target.workspaceId}/${target.namespace}`;
}

/** The target a `targetKey` names; undefined when it is not one. */
export function targetFromKey(key: string): Target | undefined {
  const [workspaceId, namespace, ...rest] = key.split('/');
  return workspaceId && namespace && rest.length === 0 ? { workspaceId, namespace } : undefined;
}

/** Orders targets (and anything keyed by them) the same way in every report. */
export function compareTargets(a: Target, b: Target): number {
  return targetKey(a) < targetKey(b) ? -1 : targetKey(a) > targetKey(b) ? 1 : 0;
}

/** Where something was declared, for annotations. Lines and columns are 1-based. */
export interface SourceLocation {
  /** Path relative to the workspace root, with forward slashes (what annotations expect). */
  readonly file: string;
  readonly line: number;
  readonly column?: number;
}

/** One connector as a definition file declares it, with file-level and input defaults applied. */
export interface DesiredConnector {
  readonly target: Target;
  /** `connector_name` */
  readonly name: string;
  /** `connector_type`; absent only when `state: absent`. */
  readonly type?: string;
  /** `jar_url`; absent only when `state: absent`. */
  readonly jarUrl?: string;
  readonly description?: string;
  /** Expected capabilities and formats: checked against the live connector only when given. */
  readonly source?: boolean;
  readonly sink?: boolean;
  readonly lookup?: boolean;
  readonly supportedFormats?: readonly string[];
  readonly dependencies?: readonly string[];
  readonly state: 'present' | 'absent';
  /** `adopt: replace`: re-register a live connector missing from the record instead of adopting it. */
  readonly adopt?: 'replace';
  /** Where the connector's mapping starts in its file. */
  readonly location: SourceLocation;
  /** `validate_sql`: smoke statements validated after every register and replace, and where the key is. */
  readonly validateSql?: readonly string[];
  readonly validateSqlLocation?: SourceLocation;
  /** The line of each expectation key the definition declares, for annotations on that key. */
  readonly expectationLines?: Readonly<Partial<Record<ExpectationField, number>>>;
}

/** The definition keys that state what the JAR provides: register sends only the JAR, so they are checked, never sent. */
export type ExpectationField = 'connector_type' | 'source' | 'sink' | 'lookup' | 'supported_formats' | 'dependencies';

/** A problem in the user's definitions, reported as an annotation on its file and line. */
export interface DefinitionError {
  readonly message: string;
  readonly location: SourceLocation;
}

/** `Property` of the API's `Connector`. */
export interface ConnectorProperty {
  readonly key: string;
  readonly defaultValue?: string;
  readonly description?: string;
  readonly required?: boolean;
  readonly definesFormat?: boolean;
  readonly sensitive?: boolean;
}

/** A connector as the API returns it (`Connector`). The API has no JAR URL field. */
export interface LiveConnector {
  readonly name: string;
  readonly type: string;
  readonly source: boolean;
  readonly sink: boolean;
  readonly lookup: boolean;
  readonly properties: readonly ConnectorProperty[];
  readonly supportedFormats: readonly string[];
  readonly dependencies: readonly string[];
  readonly creator?: string;
  readonly creatorName?: string;
  readonly modifier?: string;
  readonly modifierName?: string;
}

/** A table built on a deleted connector (`TableMeta`). */
export interface TableMeta {
  readonly catalogName: string;
  readonly databaseName: string;
  readonly tableName: string;
}

/** A deployment (Flink job) that uses a connector, as the impact of a replace or delete shows it. */
export interface ConnectorUser {
  readonly name: string;
  /** `artifact.kind`: SQLSCRIPT (the only kind whose use can be read). */
  readonly kind: string;
  /** Jobs running now (`jobSummary.running`). */
  readonly running: number;
  /** inline: its SQL declares a table with the connector; table: its SQL names a catalog table built on it. */
  readonly via: readonly ('inline' | 'table')[];
}

/** Who uses a connector that a plan replaces or deletes. */
export interface Impact {
  /** False when the reads were refused or failed: then nothing is known (see `note`). */
  readonly known: boolean;
  /** Sorted: running first, then by name. */
  readonly deployments: readonly ConnectorUser[];
  /** Catalog tables built on the connector, `catalog.database.table`, sorted. */
  readonly tables: readonly string[];
  /** The catalog walk stopped at `impact-scan-limit` tables: more tables (and users) may exist. */
  readonly incomplete: boolean;
  /** Why the impact is unknown. */
  readonly note?: string;
}

/**
 * What the plan does with one connector.
 * - register: declared, not live
 * - replace: declared and live, but live contradicts the declaration (delete, then register)
 * - delete: `state: absent` (or pruned) and live
 * - adopt: declared and live as declared, but not in the record yet: recorded without re-registering
 * - update: only the record changes (e.g. the description); no API call
 * - unchanged: declared and live as declared (or `state: absent` and already gone)
 * - unmanaged: live, declared nowhere; left alone unless `prune: true`
 */
export type PlanAction = 'register' | 'replace' | 'delete' | 'adopt' | 'update' | 'unchanged' | 'unmanaged';

/** The actions that change the workspace. */
export type WorkspaceAction = Extract<PlanAction, 'register' | 'replace' | 'delete'>;

/** Everything a reviewer approves: workspace changes and record-only changes. */
export type ChangeAction = Extract<PlanAction, 'register' | 'replace' | 'delete' | 'adopt' | 'update'>;

/** What the record of applied connectors holds for one connector. */
export interface RecordedConnector {
  readonly jarUrl: string;
  readonly type: string;
  readonly description?: string;
  /** The commit whose definitions it was applied from. */
  readonly commit: string;
}

export interface PlanItem {
  readonly action: PlanAction;
  readonly target: Target;
  /** The connector name (declared, or live for unmanaged/pruned). */
  readonly name: string;
  /** The declared type, or the live one when nothing is declared. */
  readonly type?: string;
  readonly jarUrl?: string;
  readonly description?: string;
  /** One human sentence: why this action. */
  readonly reason: string;
  /** For replace: each contradiction, e.g. `sink: live true, declared false`. */
  readonly differences?: readonly string[];
  readonly desired?: DesiredConnector;
  readonly live?: LiveConnector;
  /** What the record says was applied (when the record is in use and has it). */
  readonly recorded?: RecordedConnector;
  /** For replace and delete, when read: who uses the connector. */
  readonly impact?: Impact;
  /** For replace: the plan's baseline (does each user's SQL validate today?), or the apply's verification. */
  readonly verification?: Verification;
}

/** A note for reviewers that is not a change (drift, unmanaged connectors, unchecked expectations). */
export interface PlanWarning {
  readonly target?: Target;
  readonly name?: string;
  readonly message: string;
  readonly location?: SourceLocation;
  /** `unmanaged`: the warning that lists a target's unmanaged connectors (the log lists them as rows already). */
  readonly kind?: 'unmanaged';
}

export interface TargetPlan {
  readonly target: Target;
  /** Sorted by action (changes first), then name. */
  readonly items: readonly PlanItem[];
}

export interface PlanCounts {
  readonly register: number;
  readonly replace: number;
  readonly delete: number;
  /** Record-only changes: not in the `Plan:` line, which counts workspace changes. */
  readonly adopt: number;
  readonly update: number;
}

export interface Plan {
  /** Sorted by target key. */
  readonly targets: readonly TargetPlan[];
  readonly counts: PlanCounts;
  readonly warnings: readonly PlanWarning[];
}

/** What became of one planned change during apply. */
export interface ApplyOutcome {
  readonly target: Target;
  readonly name: string;
  readonly action: ChangeAction;
  /** done: finished and verified; failed: an error (see message); skipped: not attempted (see message). */
  readonly status: 'done' | 'failed' | 'skipped';
  readonly durationMs: number;
  readonly message?: string;
  /** For deletes: the tables that were built on the connector. */
  readonly tables?: readonly TableMeta[];
  /** For a failed replace: the recorded JAR was registered again. */
  readonly rolledBack?: boolean;
  /** For a replace with `verify`: whether the jobs that use the connector still validate. */
  readonly verification?: Verification;
}

/** What became of one deployment's SQL across a replace (see src/apply/verify.ts). */
export interface DeploymentCheck {
  readonly name: string;
  /**
   * verified: valid after; regressed: valid before, invalid after; already-invalid: invalid before
   * (not counted); unknown: a validation said neither; not-verified: beyond `verify-limit` or not run.
   * The plan's baseline says validates / fails (today, before the replace).
   */
  readonly result: 'verified' | 'regressed' | 'already-invalid' | 'unknown' | 'not-verified' | 'validates' | 'fails';
  /** The service's message, with line and column, for invalid and unknown results. */
  readonly message?: string;
  readonly line?: number;
  readonly column?: number;
}

/** The verification of one replace. */
export interface Verification {
  readonly deployments: readonly DeploymentCheck[];
  /** Why the replace is unverified as a whole (a refused permission, failed reads). */
  readonly unverified?: string;
  /** The definition's `validate_sql` statements, named `validate_sql[1]`…: validates, fails or unknown. */
  readonly statements?: readonly DeploymentCheck[];
}

export interface ApplyResult {
  readonly outcomes: readonly ApplyOutcome[];
  readonly ok: boolean;
}
