import type { DesiredConnector, ExpectationField, LiveConnector } from '../model.js';

const sameSet = (a: readonly string[], b: readonly string[]): boolean => {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((x) => right.has(x));
};

const list = (values: readonly string[]): string => (values.length === 0 ? '(none)' : [...values].sort().join(', '));

const asWritten = (values: readonly string[]): string => (values.length === 0 ? '(none)' : values.join(', '));

/** One declared expectation the live connector does not meet, with both sides as text. */
export interface Contradiction {
  /** The definition key that declares it. */
  readonly field: ExpectationField;
  readonly live: string;
  readonly declared: string;
}

/**
 * Every declared expectation the live connector does not meet, by definition key. The declared
 * side keeps the definition's order, so a message quotes what the file says.
 */
export function contradictionsOf(desired: DesiredConnector, live: LiveConnector): Contradiction[] {
  const out: Contradiction[] = [];
  if (desired.type !== undefined && desired.type !== live.type) out.push({ field: 'connector_type', live: live.type, declared: desired.type });
  for (const flag of ['source', 'sink', 'lookup'] as const) {
    const expected = desired[flag];
    if (expected !== undefined && expected !== live[flag]) out.push({ field: flag, live: String(live[flag]), declared: String(expected) });
  }
  if (desired.supportedFormats && !sameSet(desired.supportedFormats, live.supportedFormats)) {
    out.push({ field: 'supported_formats', live: list(live.supportedFormats), declared: asWritten(desired.supportedFormats) });
  }
  if (desired.dependencies && !sameSet(desired.dependencies, live.dependencies)) {
    out.push({ field: 'dependencies', live: list(live.dependencies), declared: asWritten(desired.dependencies) });
  }
  return out;
}

/**
 * Every way the live connector contradicts what the definition expects, one line each. Only
 * declared expectations are checked: an omitted field means "whatever the JAR declares".
 */
export function contradictions(desired: DesiredConnector, live: LiveConnector): string[] {
  const out: string[] = [];
  if (desired.type !== undefined && desired.type !== live.type) out.push(`type: live ${live.type}, declared ${desired.type}`);
  for (const flag of ['source', 'sink', 'lookup'] as const) {
    const expected = desired[flag];
    if (expected !== undefined && expected !== live[flag]) out.push(`${flag}: live ${live[flag]}, declared ${expected}`);
  }
  if (desired.supportedFormats && !sameSet(desired.supportedFormats, live.supportedFormats)) {
    out.push(`supported_formats: live ${list(live.supportedFormats)}, declared ${list(desired.supportedFormats)}`);
  }
  if (desired.dependencies && !sameSet(desired.dependencies, live.dependencies)) {
    out.push(`dependencies: live ${list(live.dependencies)}, declared ${list(desired.dependencies)}`);
  }
  return out;
}

/** The same connector, as far as the API shows it (creator and modifier fields are volatile). */
export function sameConnector(a: LiveConnector, b: LiveConnector): boolean {
  return (
    a.type === b.type &&
    a.source === b.source &&
    a.sink === b.sink &&
    a.lookup === b.lookup &&
    sameSet(a.supportedFormats, b.supportedFormats) &&
    sameSet(a.dependencies, b.dependencies)
  );
}
