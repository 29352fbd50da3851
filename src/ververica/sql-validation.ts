/**
 * What `ValidateSqlStatement` answers, in domain terms. The service documents only
 * `VALIDATION_RESULT_INVALID`; any value with `INVALID` or any `errorDetails` is invalid, one with
 * `VALID` otherwise is valid, and anything else is unknown (and says what came back).
 */
import type { ValidateSqlStatementRequest, WireDeployment, WireValidationResult } from './sdk.js';

export type SqlVerdict = 'valid' | 'invalid' | 'unknown';

export interface SqlValidation {
  readonly verdict: SqlVerdict;
  /** The service's message (errorDetails.message, else message); for unknown, why. */
  readonly message?: string;
  /** 1-based, in the statement, when the service names a place. */
  readonly line?: number;
  readonly column?: number;
}

/** The context a statement is validated in, taken from the deployment that runs it. */
export type SqlContext = ValidateSqlStatementRequest;

const position = (value: string | undefined): number | undefined => {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

export function interpretValidation(result: WireValidationResult | undefined): SqlValidation {
  const details = result?.errorDetails;
  const value = result?.validationResult ?? '';
  const message = details?.message || result?.message || undefined;
  const hasDetails = details !== undefined && details !== null && Object.values(details).some((v) => v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0));
  if (/INVALID/i.test(value) || hasDetails) {
    return { verdict: 'invalid', message: message ?? value, line: position(details?.lineNumber), column: position(details?.columnNumber) };
  }
  if (/VALID/i.test(value)) return { verdict: 'valid' };
  return { verdict: 'unknown', message: `the service answered validationResult ${value === '' ? '(none)' : JSON.stringify(value)}, which says neither valid nor invalid` };
}

/** `lines 5`, column 7: the place and message in one line, as reports show it. */
export function describeFailure(v: SqlValidation): string {
  const where = v.line !== undefined ? `line ${v.line}${v.column !== undefined ? `, column ${v.column}` : ''}: ` : '';
  return `${where}${v.message ?? 'invalid'}`;
}

/** A SQL deployment's own engine, mode, configuration and dependencies; undefined for other kinds. */
export function contextOf(deployment: WireDeployment): SqlContext | undefined {
  const sql = deployment.artifact?.sqlArtifact?.sqlScript;
  if (deployment.artifact?.kind !== 'SQLSCRIPT' || sql === undefined) return undefined;
  return {
    statement: sql,
    batchMode: deployment.executionMode === 'BATCH',
    versionName: deployment.engineVersion,
    flinkConfiguration: deployment.flinkConf ?? {},
    additionalDependencies: deployment.artifact.sqlArtifact?.additionalDependencies ?? [],
  };
}
