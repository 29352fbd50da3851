/**
 * The emulator's stand-in for JAR parsing: a catalog saying which connectors
 * each JAR URL declares. The real platform downloads the JAR and reads its
 * connector factories; the emulator looks the URL up here instead.
 */
import { readFile } from 'node:fs/promises';
import * as yaml from 'js-yaml';
import type { ConnectorProperty, LiveConnector, TableMeta } from '../model.js';
import { type TargetUsageSpec, validateUsageSpecs } from './usage.js';

/**
 * One connector a JAR declares, as written in a catalog. Missing booleans
 * default to false, missing lists to [], a missing name to the type.
 */
export interface ConnectorSpec {
  readonly name?: string;
  readonly type: string;
  readonly source?: boolean;
  readonly sink?: boolean;
  readonly lookup?: boolean;
  readonly supportedFormats?: readonly string[];
  readonly dependencies?: readonly string[];
  readonly properties?: readonly ConnectorProperty[];
  /** Audit fields: only meaningful for seeded connectors; registration sets its own. */
  readonly creator?: string;
  readonly creatorName?: string;
  readonly modifier?: string;
  readonly modifierName?: string;
}

/** JAR URL -> the connectors that JAR declares (an empty list: a JAR the platform cannot parse). */
export type JarCatalog = Readonly<Record<string, readonly ConnectorSpec[]>>;

/**
 * What a catalog file holds: the JARs, optionally the tables a delete of each connector name
 * reports, and optionally the deployments and catalog tables of some targets (`usage`).
 */
export interface CatalogFile {
  readonly catalog: JarCatalog;
  readonly tables: Readonly<Record<string, readonly TableMeta[]>>;
  readonly usage: readonly TargetUsageSpec[];
}

/** A catalog that does not have the expected shape; `problems` lists every one found. */
export class CatalogError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid connector catalog ${source}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'CatalogError';
  }
}

/** The connector as the API returns it, with every field filled (creator fields excepted). */
export function specToConnector(spec: ConnectorSpec): LiveConnector {
  return {
    name: spec.name ?? spec.type,
    type: spec.type,
    source: spec.source ?? false,
    sink: spec.sink ?? false,
    lookup: spec.lookup ?? false,
    properties: (spec.properties ?? []).map(completeProperty),
    supportedFormats: [...(spec.supportedFormats ?? [])],
    dependencies: [...(spec.dependencies ?? [])],
    ...(spec.creator !== undefined && { creator: spec.creator }),
    ...(spec.creatorName !== undefined && { creatorName: spec.creatorName }),
    ...(spec.modifier !== undefined && { modifier: spec.modifier }),
    ...(spec.modifierName !== undefined && { modifierName: spec.modifierName }),
  };
}

/** The API always sends every `Property` field, so the emulator does too. */
export function completeProperty(property: ConnectorProperty): ConnectorProperty {
  return {
    key: property.key,
    defaultValue: property.defaultValue ?? '',
    description: property.description ?? '',
    required: property.required ?? false,
    definesFormat: property.definesFormat ?? false,
    sensitive: property.sensitive ?? false,
  };
}

/** Reads a catalog file (YAML or JSON: JSON is YAML) and validates it. */
export async function loadCatalogFile(path: string): Promise<CatalogFile> {
  const text = await readFile(path, 'utf8');
  return parseCatalog(text, path);
}

/**
 * Parses catalog text. The document is a mapping with `jars` (JAR URL -> list
 * of connector specs) and optional `tables` (connector name -> TableMeta list).
 */
export function parseCatalog(text: string, source = '<catalog>'): CatalogFile {
  let document: unknown;
  try {
    document = yaml.load(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CatalogError(source, [`not valid YAML/JSON: ${reason}`]);
  }
  return validateCatalogDocument(document, source);
}

/** Validates an already parsed catalog document, collecting every problem before throwing. */
export function validateCatalogDocument(document: unknown, source = '<catalog>'): CatalogFile {
  const problems: string[] = [];
  if (!isRecord(document)) {
    throw new CatalogError(source, ['the document must be a mapping with a `jars` key']);
  }
  for (const key of Object.keys(document)) {
    if (key !== 'jars' && key !== 'tables' && key !== 'usage') problems.push(`unknown top-level key \`${key}\` (expected jars, tables, usage)`);
  }
  const catalog = validateJars(document.jars, problems);
  const tables = validateTables(document.tables, problems);
  const usage = document.usage === undefined ? { specs: [] } : validateUsageSpecs(document.usage);
  if ('problems' in usage) problems.push(...usage.problems);
  if (problems.length > 0) throw new CatalogError(source, problems);
  return { catalog, tables, usage: 'specs' in usage ? usage.specs : [] };
}

function validateJars(value: unknown, problems: string[]): JarCatalog {
  if (!isRecord(value)) {
    problems.push('`jars` must be a mapping from JAR URL to a list of connectors');
    return {};
  }
  const catalog: Record<string, ConnectorSpec[]> = {};
  for (const [jarUrl, specs] of Object.entries(value)) {
    const at = `jars[${JSON.stringify(jarUrl)}]`;
    if (!/^(oss|https?):\/\/\S+$/.test(jarUrl)) {
      problems.push(`${at}: the key must be an oss://, https:// or http:// URL`);
    }
    if (!Array.isArray(specs)) {
      problems.push(`${at}: must be a list of connectors (an empty list for a JAR that declares none)`);
      continue;
    }
    const parsed = specs.map((spec, index) => validateSpec(spec, `${at}[${index}]`, problems));
    const types = new Set<string>();
    for (const spec of parsed) {
      if (spec === undefined) continue;
      if (types.has(spec.type)) problems.push(`${at}: declares type \`${spec.type}\` twice`);
      types.add(spec.type);
    }
    catalog[jarUrl] = parsed.filter((spec): spec is ConnectorSpec => spec !== undefined);
  }
  return catalog;
}

/** Validates a list of connector specs (e.g. the body of a seed request). */
export function validateConnectorSpecs(value: unknown, at = 'connectors'): { specs: ConnectorSpec[] } | { problems: string[] } {
  if (!Array.isArray(value)) return { problems: [`${at}: must be a list of connectors`] };
  const problems: string[] = [];
  const specs = value.map((spec, index) => validateSpec(spec, `${at}[${index}]`, problems));
  if (problems.length > 0) return { problems };
  return { specs: specs.filter((spec): spec is ConnectorSpec => spec !== undefined) };
}

const AUDIT_KEYS = ['creator', 'creatorName', 'modifier', 'modifierName'];
const SPEC_KEYS = new Set(['name', 'type', 'source', 'sink', 'lookup', 'supportedFormats', 'dependencies', 'properties', ...AUDIT_KEYS]);
const PROPERTY_KEYS = new Set(['key', 'defaultValue', 'description', 'required', 'definesFormat', 'sensitive']);

function validateSpec(value: unknown, at: string, problems: string[]): ConnectorSpec | undefined {
  if (!isRecord(value)) {
    problems.push(`${at}: must be a mapping with at least \`type\``);
    return undefined;
  }
  const before = problems.length;
  for (const key of Object.keys(value)) {
    if (!SPEC_KEYS.has(key)) problems.push(`${at}: unknown key \`${key}\``);
  }
  requireString(value, 'type', at, problems, true);
  requireString(value, 'name', at, problems, false);
  for (const key of AUDIT_KEYS) requireString(value, key, at, problems, false);
  for (const key of ['source', 'sink', 'lookup']) requireBoolean(value, key, at, problems);
  for (const key of ['supportedFormats', 'dependencies']) requireStringList(value, key, at, problems);
  if (value.properties !== undefined) {
    if (!Array.isArray(value.properties)) {
      problems.push(`${at}.properties: must be a list`);
    } else {
      value.properties.forEach((property, index) => validateProperty(property, `${at}.properties[${index}]`, problems));
    }
  }
  return problems.length === before ? (value as unknown as ConnectorSpec) : undefined;
}

function validateProperty(value: unknown, at: string, problems: string[]): void {
  if (!isRecord(value)) {
    problems.push(`${at}: must be a mapping with at least \`key\``);
    return;
  }
  for (const key of Object.keys(value)) {
    if (!PROPERTY_KEYS.has(key)) problems.push(`${at}: unknown key \`${key}\``);
  }
  requireString(value, 'key', at, problems, true);
  requireString(value, 'defaultValue', at, problems, false);
  requireString(value, 'description', at, problems, false);
  for (const key of ['required', 'definesFormat', 'sensitive']) requireBoolean(value, key, at, problems);
}

function validateTables(value: unknown, problems: string[]): Record<string, TableMeta[]> {
  if (value === undefined) return {};
  if (!isRecord(value)) {
    problems.push('`tables` must be a mapping from connector name to a list of tables');
    return {};
  }
  const tables: Record<string, TableMeta[]> = {};
  for (const [connectorName, list] of Object.entries(value)) {
    const at = `tables[${JSON.stringify(connectorName)}]`;
    if (!Array.isArray(list)) {
      problems.push(`${at}: must be a list of { catalogName, databaseName, tableName }`);
      continue;
    }
    const before = problems.length;
    list.forEach((table, index) => {
      const tableAt = `${at}[${index}]`;
      if (!isRecord(table)) {
        problems.push(`${tableAt}: must be a mapping`);
        return;
      }
      for (const key of ['catalogName', 'databaseName', 'tableName']) requireString(table, key, tableAt, problems, true);
    });
    if (problems.length === before) tables[connectorName] = list as TableMeta[];
  }
  return tables;
}

function requireString(record: Record<string, unknown>, key: string, at: string, problems: string[], required: boolean): void {
  const value = record[key];
  if (value === undefined && !required) return;
  if (typeof value !== 'string' || (required && value.trim() === '')) {
    problems.push(`${at}.${key}: ${required ? 'required, ' : ''}must be a non-empty string`);
  }
}

function requireBoolean(record: Record<string, unknown>, key: string, at: string, problems: string[]): void {
  const value = record[key];
  if (value !== undefined && typeof value !== 'boolean') problems.push(`${at}.${key}: must be true or false`);
}

function requireStringList(record: Record<string, unknown>, key: string, at: string, problems: string[]): void {
  const value = record[key];
  if (value === undefined) return;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    problems.push(`${at}.${key}: must be a list of strings`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
