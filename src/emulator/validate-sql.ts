/**
 * The emulator's stand-in for `ValidateSqlStatement`: Flink's factory validation of each table's
 * WITH options against the namespace's connectors. The `connector` option must name a built-in or
 * registered type; a registered type's required properties must be set; every other key must be
 * one of its properties, `format`, or an option of a format it supports (`json.*`); and `format`
 * must be one it supports. Built-in types are only checked by name. No HTTP here.
 */
import type { LiveConnector } from '../model.js';

/** Connector types every engine ships (the emulator does not check their options). */
export const BUILT_IN_CONNECTORS: readonly string[] = ['blackhole', 'datagen', 'filesystem', 'jdbc', 'kafka', 'print', 'upsert-kafka'];

export interface ValidationProblem {
  readonly message: string;
  /** 1-based. */
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

interface Option {
  readonly key: string;
  readonly value: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

interface WithClause {
  readonly options: readonly Option[];
  readonly line: number;
  readonly column: number;
}

/** The WITH ( 'k' = 'v', ... ) clauses of a script, with where each key starts and its value ends. */
export function withClauses(sql: string): WithClause[] {
  const clauses: WithClause[] = [];
  const at = (index: number): { line: number; column: number } => {
    const before = sql.slice(0, index);
    const line = before.split('\n').length;
    return { line, column: index - before.lastIndexOf('\n') };
  };
  const quoted = (i: number): { text: string; end: number } | undefined => {
    const q = sql[i];
    if (q !== "'" && q !== '"' && q !== '`') return undefined;
    let text = '';
    for (let j = i + 1; j < sql.length; j++) {
      if (sql[j] === q && sql[j + 1] === q) {
        text += q;
        j++;
      } else if (sql[j] === q) return { text, end: j + 1 };
      else text += sql[j];
    }
    return undefined;
  };
  const skip = (i: number): number => {
    let j = i;
    while (j < sql.length && /\s/.test(sql[j] as string)) j++;
    return j;
  };
  const withWord = /\bWITH\s*\(/giy;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      i = (quoted(i)?.end ?? sql.length) - 1;
      continue;
    }
    withWord.lastIndex = i;
    if (!(i === 0 || !/[\w$]/.test(sql[i - 1] as string)) || !withWord.test(sql)) continue;
    const start = at(i);
    const options: Option[] = [];
    let j = withWord.lastIndex;
    for (;;) {
      j = skip(j);
      const key = quoted(j);
      if (!key) break;
      const eq = skip(key.end);
      if (sql[eq] !== '=') break;
      const value = quoted(skip(eq + 1));
      if (!value) break;
      const from = at(j);
      const to = at(value.end - 1);
      options.push({ key: key.text, value: value.text, line: from.line, column: from.column, endLine: to.line, endColumn: to.column });
      j = skip(value.end);
      if (sql[j] !== ',') break;
      j++;
    }
    clauses.push({ options, ...start });
    i = j;
  }
  return clauses;
}

/** The first problem Flink's planner would report, or undefined when every table validates. */
export function validateStatement(sql: string, connectors: readonly LiveConnector[]): ValidationProblem | undefined {
  const byType = new Map(connectors.map((c) => [c.type.toLowerCase(), c]));
  for (const clause of withClauses(sql)) {
    const problem = checkClause(clause, byType);
    if (problem) return problem;
  }
  return undefined;
}

function checkClause(clause: WithClause, byType: ReadonlyMap<string, LiveConnector>): ValidationProblem | undefined {
  const place = (o: Option | undefined, message: string): ValidationProblem =>
    o ? { message, line: o.line, column: o.column, endLine: o.endLine, endColumn: o.endColumn } : { message, line: clause.line, column: clause.column, endLine: clause.line, endColumn: clause.column };
  const connectorOption = clause.options.find((o) => o.key === 'connector');
  // A WITH without `connector` is not a table's (a hint, a catalog's): nothing to check here.
  if (!connectorOption) return undefined;
  const type = connectorOption.value.trim().toLowerCase();
  const connector = byType.get(type);
  if (!connector) {
    if (BUILT_IN_CONNECTORS.includes(type)) return undefined;
    const available = [...new Set([...BUILT_IN_CONNECTORS, ...byType.keys()])].sort().join(', ');
    return place(connectorOption, `Could not find any factory for identifier '${connectorOption.value}' that implements 'org.apache.flink.table.factories.DynamicTableFactory' in the classpath. Available factory identifiers are: ${available}`);
  }
  const declared = new Set(connector.properties.map((p) => p.key));
  const formats = connector.supportedFormats.map((f) => f.toLowerCase());
  const formatOption = clause.options.find((o) => o.key === 'format');
  if (formatOption && !formats.includes(formatOption.value.trim().toLowerCase())) {
    return place(formatOption, `Could not find any format factory for identifier '${formatOption.value}' supported by connector '${connector.type}'. Supported formats are: ${formats.join(', ') || '(none)'}`);
  }
  const missing = connector.properties.filter((p) => p.required === true && (p.defaultValue ?? '') === '' && !clause.options.some((o) => o.key === p.key)).map((p) => p.key);
  if (missing.length > 0) {
    return place(connectorOption, `One or more required options are missing.\n\nMissing required options are:\n\n${missing.join('\n')}`);
  }
  const unsupported = clause.options.filter(
    (o) => o.key !== 'connector' && o.key !== 'format' && !declared.has(o.key) && !formats.some((f) => o.key.toLowerCase().startsWith(`${f}.`)),
  );
  if (unsupported.length > 0) {
    return place(unsupported[0], `Unsupported options found for '${connector.type}'.\n\nUnsupported options:\n\n${unsupported.map((o) => o.key).join('\n')}`);
  }
  return undefined;
}
