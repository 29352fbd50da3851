/**
 * Definition files → desired connectors, or every error with its file and line.
 *
 * The shipped JSON Schema is the single source of truth for the format (it is
 * what editors validate against); this module runs it with ajv, turns ajv's
 * errors into messages that point at the offending key or value, and adds what
 * a schema cannot express: defaults from the file and the action inputs,
 * duplicates across files, and credentials in URLs.
 *
 * Pure: the caller reads the files.
 */
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import schema from '../../schema/connector-definitions.schema.json' with { type: 'json' };
import { targetKey } from '../model.js';
import type { DefinitionError, DesiredConnector, ExpectationField, SourceLocation, Target } from '../model.js';
import { ECHO_MAX, parseDocuments, pointerSegment, quoted } from './parse.js';
import type { JsonValue, ParsedDocument, Position } from './parse.js';
import { isPreSigned, urlCredential } from '../secrets.js';
import { suggestKey } from './suggest.js';

export interface DefinitionFile {
  /** Relative to the workspace root, with forward slashes. */
  readonly path: string;
  readonly content: string;
}

/** The action inputs that fill in what neither the connector nor its file sets. */
export interface DefinitionDefaults {
  readonly workspaceId?: string;
  readonly namespace?: string;
}

export interface LoadResult {
  /**
   * The connectors that were read without error, in file order. When `errors`
   * is not empty the set is incomplete: do not plan or apply from it.
   */
  readonly connectors: DesiredConnector[];
  /** Every problem in every file, sorted by file, line and column. */
  readonly errors: DefinitionError[];
}

/** What `connector_name`, `connector_type`, `workspace_id` and `namespace_name` must match. */
export const NAME_PATTERN = new RegExp(schema.definitions.name.pattern);
export const NAME_MAX_LENGTH = schema.definitions.name.maxLength;

const CONNECTOR_KEYS = Object.keys(schema.definitions.connector.properties);
const FILE_KEYS = Object.keys(schema.definitions.file.properties);
const EXPECTATION_KEYS: readonly ExpectationField[] = ['connector_type', 'source', 'sink', 'lookup', 'supported_formats', 'dependencies'];
const NAME_FIELDS = new Set(['connector_name', 'connector_type', 'workspace_id', 'namespace_name']);
const CREDENTIALS = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*@/;

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(schema);
  return compiled;
}

type JsonObject = { [key: string]: JsonValue };

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return 'nothing (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

/** A short, safe rendering of a user value for a message. */
function show(value: JsonValue | undefined): string {
  return quoted(typeof value === 'string' ? value : JSON.stringify(value) ?? '', 60);
}

function unescapeSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function valueAt(root: JsonValue, pointer: string): JsonValue | undefined {
  let node: JsonValue | undefined = root;
  for (const segment of pointer.split('/').slice(1).map(unescapeSegment)) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isObject(node)) node = Object.prototype.hasOwnProperty.call(node, segment) ? node[segment] : undefined;
    else return undefined;
  }
  return node;
}

/** `connector_type`, or `item 2 of supported_formats` for list items. */
function fieldLabel(pointer: string): string {
  const segments = pointer.split('/').slice(1).map(unescapeSegment);
  const last = segments[segments.length - 1];
  if (last === undefined) return 'the document';
  if (/^\d+$/.test(last)) {
    const parent = segments[segments.length - 2] ?? 'the list';
    return `item ${Number(last) + 1} of \`${parent}\``;
  }
  return `\`${last}\``;
}

function lastSegment(pointer: string): string {
  return unescapeSegment(pointer.slice(pointer.lastIndexOf('/') + 1));
}

function typeMessage(pointer: string, expected: string, value: JsonValue | undefined): string {
  const field = lastSegment(pointer);
  const found = describeType(value);
  const isJar = field === 'jar_url';
  if (field === 'connectors') return `\`connectors\` must be a list of connector mappings, found ${found}`;
  if (/^\d+$/.test(field) && pointer.startsWith('/connectors/') && expected === 'object') {
    return `${fieldLabel(pointer)} must be a mapping (one connector with \`connector_name\`, \`connector_type\`, ...), found ${found}`;
  }
  const wanted =
    expected === 'boolean' ? 'true or false' : expected === 'array' ? 'a list' : expected === 'object' ? 'a mapping' : `a ${expected}`;
  let hint = '';
  if (!isJar && value !== null && typeof value !== 'object') {
    hint = ` (${show(value)})`;
    if (expected === 'string' && typeof value !== 'string') hint += '; put the value in quotes to make it a string';
    if (expected === 'boolean' && typeof value === 'string') hint += '; YAML 1.2 reads only true and false as booleans';
  }
  if (expected === 'array' && typeof value === 'string') hint += '; write a list, e.g. `[json, csv]`';
  return `${fieldLabel(pointer)} must be ${wanted}, found ${found}${hint}`;
}

function patternMessage(pointer: string, value: JsonValue | undefined): string | undefined {
  const field = lastSegment(pointer);
  if (typeof value !== 'string' || value === '') return undefined; // minLength says it better
  if (field === 'jar_url' || /\/dependencies\/\d+$/.test(pointer)) {
    const label = field === 'jar_url' ? '`jar_url`' : fieldLabel(pointer);
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value)?.[1];
    if (scheme === undefined || !/^(oss|https?)$/.test(scheme)) {
      // Only the scheme is shown: the rest of a URL may carry a credential.
      const found = scheme === undefined ? 'no scheme' : `scheme ${show(scheme)}`;
      return `${label} must be an \`oss://\`, \`https://\` or \`http://\` URL, found ${found}`;
    }
    return `${label} must be a URL with a host (or bucket) and no spaces`;
  }
  if (NAME_FIELDS.has(field)) {
    return `\`${field}\` ${show(value)} must start with a letter or digit and contain only letters, digits, \`.\`, \`_\` and \`-\``;
  }
  return undefined;
}

const CREDENTIALS_MESSAGE =
  'must not contain credentials (a `user:password@` part); the URL is not shown here. Use a URL without credentials';

function requiredMessage(missing: readonly string[], connectorName: JsonValue | undefined): string {
  const who = typeof connectorName === 'string' ? `connector \`${connectorName}\`: ` : '';
  const fields = missing.map((m) => `\`${m}\``).join(' and ');
  const unless = missing.some((m) => m === 'connector_type' || m === 'jar_url') ? ' (required unless `state: absent`)' : '';
  return `${who}missing required field${missing.length > 1 ? 's' : ''} ${fields}${unless}`;
}

function unknownKeyMessage(key: string, fileLevel: boolean): string {
  if (key === '<<') return 'merge keys (`<<`) are not supported; write the fields out';
  if (fileLevel && CONNECTOR_KEYS.includes(key) && !FILE_KEYS.includes(key)) {
    return `\`${key}\` is a connector field: put it inside an entry of \`connectors:\` (at file level only ${FILE_KEYS.map((k) => `\`${k}\``).join(', ')} are allowed)`;
  }
  const known = fileLevel ? FILE_KEYS : CONNECTOR_KEYS;
  const suggestion = suggestKey(key, known);
  const shown = key.length > ECHO_MAX ? `${quoted(key)} (${key.length} characters)` : quoted(key);
  if (suggestion !== undefined) return `unknown key ${shown}; did you mean \`${suggestion}\`?`;
  return `unknown key ${shown}; allowed keys: ${known.map((k) => `\`${k}\``).join(', ')}`;
}

/**
 * Required fields that an unknown key of the same mapping most likely stands
 * for (`conector_type`): one typo is one error, reported as the misspelling.
 */
function misspeltRequired(errors: readonly ErrorObject[], fileForm: boolean): Set<string> {
  const misspelt = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const fileLevel = fileForm && e.instancePath === '';
    const key = String((e.params as { additionalProperty?: unknown }).additionalProperty);
    const meant = suggestKey(key, fileLevel ? FILE_KEYS : CONNECTOR_KEYS);
    if (meant !== undefined) misspelt.add(`${e.instancePath}/${meant}`);
  }
  return misspelt;
}

/** One `required` error per mapping, naming every missing field, so a line gets one message. */
function mergeRequired(errors: readonly ErrorObject[], fileForm: boolean): ErrorObject[] {
  const misspelt = misspeltRequired(errors, fileForm);
  const missing = new Map<string, string[]>();
  for (const e of errors) {
    if (e.keyword === 'required') {
      const property = String((e.params as { missingProperty?: unknown }).missingProperty);
      if (misspelt.has(`${e.instancePath}/${property}`)) continue;
      const list = missing.get(e.instancePath) ?? [];
      list.push(property);
      missing.set(e.instancePath, list);
    }
  }
  const out: ErrorObject[] = [];
  for (const e of errors) {
    if (e.keyword !== 'required') out.push(e);
    else {
      const list = missing.get(e.instancePath);
      if (list === undefined) continue; // already merged into the first one
      missing.delete(e.instancePath);
      // Schema field names hold no commas, so a joined list splits back exactly.
      out.push({ ...e, params: { missingProperty: list.join(',') } });
    }
  }
  return out;
}

interface LocatedMessage {
  readonly message: string;
  /** The pointer the error is about (for deciding which connectors are clean). */
  readonly pointer: string;
  readonly position: Position;
}

/**
 * Turns one ajv error into a message at the right place, or undefined for
 * noise. (ajv's `schemaPath` is relative to a `$ref`'d definition, so whether
 * an unknown key sits at file level is told by the document's form.)
 */
function explain(error: ErrorObject, doc: ParsedDocument, fileForm: boolean): LocatedMessage | undefined {
  const pointer = error.instancePath;
  const value = valueAt(doc.value, pointer);
  const at = (p: string, key = false): Position => {
    const location = doc.locations.get(p);
    return (key ? location?.key : undefined) ?? location?.value ?? doc.start;
  };
  const params = error.params as Record<string, unknown>;
  const located = (message: string, p = pointer, key = false): LocatedMessage => ({ message, pointer: p, position: at(p, key) });
  switch (error.keyword) {
    case 'if':
      return undefined; // the failing then/else branch reports the actual problem
    case 'required': {
      const name = isObject(value) ? value.connector_name : undefined;
      return located(requiredMessage(String(params.missingProperty).split(','), name));
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const fileLevel = fileForm && pointer === '';
      return located(unknownKeyMessage(key, fileLevel), `${pointer}/${pointerSegment(key)}`, true);
    }
    case 'type':
      // `state` also fails its enum, which names the allowed values: one message is enough.
      if (lastSegment(pointer) === 'state' || lastSegment(pointer) === 'adopt') return undefined;
      return located(typeMessage(pointer, String(params.type), value));
    case 'minLength':
      return located(`${fieldLabel(pointer)} must not be empty`);
    case 'maxLength': {
      const length = typeof value === 'string' ? value.length : 0;
      return located(`${fieldLabel(pointer)} is too long: ${length} characters, at most ${String(params.limit)}`);
    }
    case 'pattern': {
      const message = patternMessage(pointer, value);
      return message === undefined ? undefined : located(message);
    }
    case 'not':
      return located(`${fieldLabel(pointer)} ${CREDENTIALS_MESSAGE}`);
    case 'enum':
      return located(
        `${fieldLabel(pointer)} must be ${(params.allowedValues as unknown[]).map((v) => `\`${String(v)}\``).join(' or ')}, found ${show(value)}`,
      );
    case 'uniqueItems': {
      const later = Math.max(Number(params.i), Number(params.j));
      const earlier = Math.min(Number(params.i), Number(params.j));
      const item = `${pointer}/${later}`;
      // Dependency URLs may carry credentials: never echo them.
      const echo = lastSegment(pointer) === 'dependencies' ? '' : ` (${show(valueAt(doc.value, item))})`;
      return located(`${fieldLabel(item)} repeats item ${earlier + 1}${echo}; list each value once`, item);
    }
    default:
      return located(`${fieldLabel(pointer)} ${error.message ?? 'is invalid'}`);
  }
}

const PRE_SIGNED_MESSAGE =
  'is a pre-signed URL (its query carries a signature or an access key); the URL is not shown here. The platform fetches the JAR with its own role, and a signature expires, so the connector could not be registered again from the record. Use the plain URL (e.g. `oss://bucket/path.jar`)';

/** Why a URL must not be in a definition (without showing it), or undefined when it may. */
function urlProblem(url: string): string | undefined {
  if (hasCredentials(url)) return CREDENTIALS_MESSAGE;
  if (isPreSigned(url)) return PRE_SIGNED_MESSAGE;
  const found = urlCredential(url);
  return found === undefined ? undefined : `${TOKEN_MESSAGE} (${found})${TOKEN_ADVICE}`;
}

const TOKEN_MESSAGE = 'carries a credential in its query or fragment';
const TOKEN_ADVICE =
  '; the URL is not shown here. A definition is read by everyone who can read the repository, and the URL would be printed in plans and stored in the record. Revoke the token, and give the platform access to the JAR another way (e.g. `oss://bucket/path.jar` in a bucket the workspace can read)';

/** Whether a URL carries a user name or password, by regex and by the WHATWG parser. */
export function hasCredentials(url: string): boolean {
  if (CREDENTIALS.test(url)) return true;
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return false;
  }
}

/** A connector mapping found in a document, before defaults are applied. */
interface Candidate {
  readonly fields: JsonObject;
  readonly pointer: string;
  /** File-level default: a valid string, `invalid` (reported already), or absent. */
  readonly fileWorkspace?: string | 'invalid';
  readonly fileNamespace?: string | 'invalid';
}

function fileDefault(doc: JsonObject, key: string, errorPointers: ReadonlySet<string>): string | 'invalid' | undefined {
  if (!Object.prototype.hasOwnProperty.call(doc, key)) return undefined;
  const value = doc[key];
  return typeof value === 'string' && !errorPointers.has(`/${key}`) ? value : 'invalid';
}

function candidates(doc: JsonObject, errorPointers: ReadonlySet<string>): Candidate[] {
  if (!Object.prototype.hasOwnProperty.call(doc, 'connectors')) return [{ fields: doc, pointer: '' }];
  const list = doc.connectors;
  if (!Array.isArray(list)) return [];
  const fileWorkspace = fileDefault(doc, 'workspace_id', errorPointers);
  const fileNamespace = fileDefault(doc, 'namespace_name', errorPointers);
  return list.flatMap((item, i) =>
    isObject(item) ? [{ fields: item, pointer: `/connectors/${i}`, fileWorkspace, fileNamespace }] : [],
  );
}

interface Placed {
  readonly connector: DesiredConnector;
  readonly namePosition: Position;
  readonly typePosition: Position;
  /** False when the connector has a problem of its own: it still takes part in the duplicate checks, but is not kept. */
  readonly clean: boolean;
}

type Resolved = { readonly value: string } | { readonly missing: true; readonly note: string } | { readonly silent: true };

function resolveTarget(
  own: JsonValue | undefined,
  fileLevel: string | 'invalid' | undefined,
  input: string | undefined,
  inputName: string,
): Resolved {
  if (typeof own === 'string') return { value: own };
  if (own !== undefined) return { silent: true }; // a wrong type, reported already
  if (fileLevel === 'invalid') return { silent: true };
  if (fileLevel !== undefined) return { value: fileLevel };
  if (input !== undefined && input !== '') {
    if (NAME_PATTERN.test(input) && input.length <= NAME_MAX_LENGTH) return { value: input };
    return { missing: true, note: ` (the \`${inputName}\` input ${show(input)} is not a valid ID)` };
  }
  return { missing: true, note: '' };
}

class Collector {
  readonly errors: DefinitionError[] = [];
  readonly placed: Placed[] = [];

  constructor(private readonly defaults: DefinitionDefaults) {}

  error(file: string, position: Position, message: string): void {
    this.errors.push({ message, location: { file, line: position.line, column: position.column } });
  }

  document(file: string, doc: ParsedDocument): void {
    const value = doc.value;
    if (value === null) return; // an empty document declares nothing
    if (!isObject(value)) {
      this.error(
        file,
        doc.start,
        `a definition document must be a mapping: one connector (with \`connector_name\`) or \`connectors:\` with a list; found ${describeType(value)}`,
      );
      return;
    }
    const validate = validator();
    validate(value);
    const fileForm = Object.prototype.hasOwnProperty.call(value, 'connectors');
    const explained = mergeRequired(validate.errors ?? [], fileForm).flatMap((e) => explain(e, doc, fileForm) ?? []);
    for (const e of explained) this.error(file, e.position, e.message);
    const errorPointers = new Set(explained.map((e) => e.pointer));
    for (const candidate of candidates(value, errorPointers)) {
      const prefix = `${candidate.pointer}/`;
      const faults = [...errorPointers].filter((p) => p === candidate.pointer || p.startsWith(prefix));
      this.connector(file, doc, candidate, new Set(faults));
    }
  }

  /**
   * Checks what the schema cannot and keeps the connector when nothing is
   * wrong. A connector with schema errors (`faults`) is still checked, so all
   * its problems are reported in one run, but not kept.
   */
  private connector(file: string, doc: ParsedDocument, candidate: Candidate, faults: ReadonlySet<string>): void {
    const f = candidate.fields;
    /** Where a field (or a list item of it) of this connector is. */
    const at = (...path: Array<string | number>): Position => {
      const location = doc.locations.get(candidate.pointer + path.map((p) => `/${pointerSegment(p)}`).join(''));
      return location?.key ?? location?.value ?? doc.start;
    };
    const start = doc.locations.get(candidate.pointer)?.value ?? doc.start;
    const name = typeof f.connector_name === 'string' ? f.connector_name : undefined;
    const faulty = (field: string): boolean => faults.has(`${candidate.pointer}/${field}`);
    const jarUrl = typeof f.jar_url === 'string' ? f.jar_url : undefined;
    let clean = faults.size === 0;
    const jarProblem = jarUrl === undefined || faulty('jar_url') ? undefined : urlProblem(jarUrl);
    if (jarProblem !== undefined) {
      this.error(file, at('jar_url'), `\`jar_url\` ${jarProblem}`);
      clean = false;
    }
    const dependencies = Array.isArray(f.dependencies) ? (f.dependencies as unknown[]) : undefined;
    dependencies?.forEach((dep, i) => {
      // An item the schema refused (not a string, say) has its one message already.
      if (typeof dep !== 'string' || faulty(`dependencies/${i}`)) return;
      const problem = urlProblem(dep);
      if (problem !== undefined) {
        this.error(file, at('dependencies', i), `item ${i + 1} of \`dependencies\` ${problem}`);
        clean = false;
      }
    });
    const workspace = resolveTarget(f.workspace_id, candidate.fileWorkspace, this.defaults.workspaceId, 'workspace-id');
    const namespace = resolveTarget(f.namespace_name, candidate.fileNamespace, this.defaults.namespace, 'namespace');
    const missing: string[] = [];
    if ('missing' in workspace) {
      missing.push(`no workspace: set \`workspace_id\` on the connector, at file level next to \`connectors:\`, or the action's \`workspace-id\` input${workspace.note}`);
    }
    if ('missing' in namespace) {
      missing.push(`no namespace: set \`namespace_name\` on the connector, at file level next to \`connectors:\`, or the action's \`namespace\` input${namespace.note}`);
    }
    if (missing.length > 0) {
      const who = name === undefined ? 'this connector' : `connector \`${name}\``;
      this.error(file, start, `${who} has ${missing.join('; and ')}`);
      return;
    }
    // A connector with other problems still counts for duplicates, so they are reported in the same run.
    if (!('value' in workspace) || !('value' in namespace) || name === undefined || faulty('connector_name')) return;
    const target: Target = { workspaceId: workspace.value, namespace: namespace.value };
    const location: SourceLocation = { file, line: start.line, column: start.column };
    const expectationLines = Object.fromEntries(EXPECTATION_KEYS.filter((k) => f[k] !== undefined).map((k) => [k, at(k).line]));
    const connector: DesiredConnector = {
      target,
      name,
      state: f.state === 'absent' ? 'absent' : 'present',
      location,
      ...(typeof f.connector_type === 'string' && !faulty('connector_type') ? { type: f.connector_type } : {}),
      ...(jarUrl !== undefined ? { jarUrl } : {}),
      ...(typeof f.description === 'string' ? { description: f.description } : {}),
      ...(typeof f.source === 'boolean' ? { source: f.source } : {}),
      ...(typeof f.sink === 'boolean' ? { sink: f.sink } : {}),
      ...(typeof f.lookup === 'boolean' ? { lookup: f.lookup } : {}),
      ...(Array.isArray(f.supported_formats) ? { supportedFormats: f.supported_formats as string[] } : {}),
      // Kept only when the schema found no fault, so every item is a string.
      ...(dependencies !== undefined ? { dependencies: dependencies as string[] } : {}),
      ...(f.adopt === 'replace' ? { adopt: 'replace' as const } : {}),
      // Only reached when the schema found no fault: a string or a list of strings.
      ...(f.validate_sql !== undefined ? { validateSql: typeof f.validate_sql === 'string' ? [f.validate_sql] : (f.validate_sql as string[]), validateSqlLocation: { file, line: at('validate_sql').line } } : {}),
      ...(Object.keys(expectationLines).length > 0 ? { expectationLines } : {}),
    };
    this.placed.push({ connector, namePosition: at('connector_name'), typePosition: at('connector_type'), clean });
  }

  /** Names are unique per namespace; a type can be registered only once per namespace. */
  crossCheck(): DesiredConnector[] {
    const names = new Map<string, Placed>();
    const types = new Map<string, Placed>();
    const kept: DesiredConnector[] = [];
    const where = (p: Placed, position: Position): string => `${p.connector.location.file}:${position.line}`;
    for (const p of this.placed) {
      const c = p.connector;
      const scope = targetKey(c.target);
      const nameKey = `${scope}\u0000${c.name}`;
      const first = names.get(nameKey);
      if (first !== undefined) {
        this.error(
          c.location.file,
          p.namePosition,
          `connector \`${c.name}\` is declared twice in \`${scope}\`; first at ${where(first, first.namePosition)}`,
        );
        continue;
      }
      names.set(nameKey, p);
      if (c.state === 'present' && c.type !== undefined) {
        const typeKey = `${scope}\u0000${c.type}`;
        const other = types.get(typeKey);
        if (other !== undefined) {
          this.error(
            c.location.file,
            p.typePosition,
            `connector type \`${c.type}\` is already declared in \`${scope}\` by connector \`${other.connector.name}\` at ${where(other, other.typePosition)}; a type can be registered only once per namespace`,
          );
          continue;
        }
        types.set(typeKey, p);
      }
      if (p.clean) kept.push(c);
    }
    return kept;
  }
}

function compareErrors(a: DefinitionError, b: DefinitionError): number {
  const x = a.location;
  const y = b.location;
  if (x.file !== y.file) return x.file < y.file ? -1 : 1;
  return x.line - y.line || (x.column ?? 0) - (y.column ?? 0);
}

/**
 * Reads every definition file: parse, validate against the schema, apply
 * defaults (connector field > file-level field > `defaults`), then check
 * duplicates across all files. Never stops at the first error.
 */
export function loadDefinitions(
  files: ReadonlyArray<DefinitionFile>,
  defaults: DefinitionDefaults,
): LoadResult {
  const collector = new Collector(defaults);
  for (const file of files) {
    const parsed = parseDocuments(file.content);
    for (const issue of parsed.issues) collector.error(file.path, issue.position, issue.message);
    for (const doc of parsed.documents) collector.document(file.path, doc);
  }
  const connectors = collector.crossCheck();
  // One value can fail the same check through two schema paths (a shared
  // definition and a field's own rule): report each message once per place.
  const seen = new Set<string>();
  const errors = collector.errors.filter((e) => {
    const key = `${e.location.file}:${e.location.line}:${e.location.column ?? 0}:${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { connectors, errors: capPerFile(errors.sort(compareErrors)) };
}

/** Most errors reported for one file: a generated or hostile file could otherwise flood the log and the comment. */
export const MAX_ERRORS_PER_FILE = 50;

/** The first `MAX_ERRORS_PER_FILE` errors of each file, then one that says how many more there are. */
function capPerFile(sorted: readonly DefinitionError[]): DefinitionError[] {
  const byFile = new Map<string, DefinitionError[]>();
  for (const e of sorted) {
    const list = byFile.get(e.location.file) ?? [];
    list.push(e);
    byFile.set(e.location.file, list);
  }
  return [...byFile.values()].flatMap((list) => {
    const kept = list.slice(0, MAX_ERRORS_PER_FILE);
    const last = kept[kept.length - 1];
    if (list.length === kept.length || last === undefined) return list;
    const more = list.length - MAX_ERRORS_PER_FILE;
    return [...kept, { message: `${more} more problem(s) in this file are not shown (only the first ${MAX_ERRORS_PER_FILE} are); fix these and run again`, location: last.location }];
  });
}
