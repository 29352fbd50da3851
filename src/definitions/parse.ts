/**
 * YAML text → plain JSON-like documents, plus where every value came from.
 *
 * Built on js-yaml's event stream (`parseEvents`) rather than `load`, because
 * events carry source offsets: every value and every mapping key gets a
 * line/column, so a schema error can point at the exact place in the file.
 * Building our own tree also lets us refuse what a definition never needs and
 * what could hurt us: custom tags, duplicate keys, and alias bombs.
 *
 * Pure: no I/O.
 */
import {
  EVENT_ID,
  NOT_RESOLVED,
  SCALAR_STYLE,
  YAMLException,
  boolCoreTag,
  floatCoreTag,
  getScalarValue,
  intCoreTag,
  nullCoreTag,
  parseEvents,
} from 'js-yaml';
import type { AliasEvent, Event, MappingEvent, ScalarEvent, SequenceEvent } from 'js-yaml';

/** 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Where one value sits; `key` is set for members of a mapping. */
export interface NodeLocation {
  readonly value: Position;
  readonly key?: Position;
}

export interface ParsedDocument {
  /** The document's content; `null` for an empty document. */
  readonly value: JsonValue;
  /** Where the document's content starts (or the document marker, when empty). */
  readonly start: Position;
  /** JSON Pointer (RFC 6901, as ajv's `instancePath`) → location. The root is `''`. */
  readonly locations: ReadonlyMap<string, NodeLocation>;
}

export interface ParseIssue {
  readonly message: string;
  readonly position: Position;
}

export interface ParseResult {
  /** Documents that could be built; a document refused as a whole (alias bomb) is left out. */
  readonly documents: readonly ParsedDocument[];
  readonly issues: readonly ParseIssue[];
}

/**
 * How many values aliases may add to one document. Generous for sharing a list
 * of formats between connectors; a "billion laughs" document needs millions.
 */
export const MAX_ALIAS_EXPANSION = 10_000;

/** Tags whose meaning is plain JSON. Anything else (`!!timestamp`, `!!binary`, `!custom`) is refused. */
const STANDARD_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'seq', 'map']);
const YAML_TAG_PREFIX = 'tag:yaml.org,2002:';

/** Escapes one JSON Pointer segment (RFC 6901). */
/** Longest piece of a file's own text a message quotes: a 1 MiB key is not repeated back. */
export const ECHO_MAX = 64;

/** A piece of the file quoted in a message: one line, at most `max` characters, as a code span. */
export function quoted(text: string, max = ECHO_MAX): string {
  const flat = text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ');
  const points = Array.from(flat);
  return `\`${points.length > max ? `${points.slice(0, max - 1).join('')}…` : flat}\``;
}

export function pointerSegment(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Maps source offsets to 1-based line/column. */
class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
    }
  }

  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.starts[lo] ?? 0) + 1 };
  }
}

// The intermediate tree keeps offsets and shares aliased subtrees (no copy),
// so building it costs memory linear in the source whatever the aliases do.
interface ScalarTree {
  readonly kind: 'scalar';
  readonly value: JsonValue;
  /** The scalar as written (decoded), which is what a mapping key means. */
  readonly text: string;
  readonly offset: number;
  readonly size: 1;
}
interface SeqTree {
  readonly kind: 'seq';
  readonly items: Tree[];
  readonly offset: number;
  size: number;
}
interface MapEntry {
  readonly key: string;
  readonly keyOffset: number;
  readonly value: Tree;
}
interface MapTree {
  readonly kind: 'map';
  readonly entries: MapEntry[];
  readonly offset: number;
  size: number;
}
interface AliasTree {
  readonly kind: 'alias';
  readonly target: Tree;
  readonly offset: number;
  readonly size: number;
}
type Tree = ScalarTree | SeqTree | MapTree | AliasTree;

/** A collection under construction; a mapping alternates key and value slots. */
interface OpenCollection {
  readonly tree: SeqTree | MapTree;
  readonly anchor?: string;
  /** The key waiting for its value; `key: undefined` when the key was refused and its value is skipped. */
  pendingKey?: { key: string | undefined; offset: number };
  /** Keys seen in this mapping → offset of their first occurrence. */
  readonly seen: Map<string, number>;
}

class DocumentBuilder {
  private readonly stack: OpenCollection[] = [];
  private readonly anchors = new Map<string, Tree>();
  private readonly inProgress = new Set<string>();
  private root: Tree | undefined;
  private aliasExpansion = 0;
  /** Set once the document is refused as a whole. */
  refused = false;

  constructor(
    private readonly source: string,
    private readonly lines: LineIndex,
    private readonly issues: ParseIssue[],
    private readonly tagDirectives: boolean,
  ) {}

  private issue(offset: number, message: string): void {
    this.issues.push({ message, position: this.lines.position(Math.max(0, offset)) });
  }

  private slice(start: number, end: number): string {
    return start >= 0 && end >= start ? this.source.slice(start, end) : '';
  }

  /** The standard tag's short name (`str`, `map`, ...), '' for no tag, or undefined when refused. */
  private tagName(tagStart: number, tagEnd: number): string | undefined {
    const text = this.slice(tagStart, tagEnd);
    if (text === '' || text === '!') return text === '!' ? 'str' : '';
    let name: string | undefined;
    if (!this.tagDirectives && text.startsWith('!!')) name = text.slice(2);
    else if (text.startsWith(`!<${YAML_TAG_PREFIX}`) && text.endsWith('>')) {
      name = text.slice(YAML_TAG_PREFIX.length + 2, -1);
    }
    if (name !== undefined && STANDARD_TAGS.has(name)) return name;
    this.issue(
      tagStart,
      `tag ${quoted(text)} is not supported: definitions hold plain strings, booleans and lists; remove the tag`,
    );
    return undefined;
  }

  scalar(event: ScalarEvent): void {
    const text = event.valueStart >= 0 ? getScalarValue(this.source, event) : '';
    const tag = this.tagName(event.tagStart, event.tagEnd);
    let value: JsonValue = text;
    if (tag === '' && event.style === SCALAR_STYLE.PLAIN) value = resolvePlain(text);
    else if (tag === 'seq' || tag === 'map') {
      this.issue(event.tagStart, `tag \`!!${tag}\` cannot be used on a single value`);
    } else if (tag !== undefined && tag !== '' && tag !== 'str') {
      const resolved = resolveExplicit(tag, text);
      if (resolved === NOT_RESOLVED) {
        this.issue(event.tagStart, `${quoted(text)} is not a valid ${quoted(`!!${tag}`)} value`);
      } else value = resolved;
    }
    const offset = firstOffset(event.tagStart, event.anchorStart, this.scalarStart(event)) ?? this.keyOrParentOffset();
    const tree: ScalarTree = { kind: 'scalar', value, text, offset, size: 1 };
    const anchor = this.slice(event.anchorStart, event.anchorEnd);
    if (anchor !== '') this.anchors.set(anchor, tree);
    this.add(tree, offset);
  }

  /** Where a scalar is written: its opening quote, or its `|`/`>` header, not its content. */
  private scalarStart(event: ScalarEvent): number {
    if (event.valueStart < 0) return -1;
    if (event.style === SCALAR_STYLE.SINGLE_QUOTED || event.style === SCALAR_STYLE.DOUBLE_QUOTED) return event.valueStart - 1;
    if (event.style === SCALAR_STYLE.LITERAL_BLOCK || event.style === SCALAR_STYLE.FOLDED_BLOCK) {
      // Block content starts on the line after its header.
      const headerEnd = Math.max(0, event.valueStart - 1);
      const headerStart = this.source.lastIndexOf('\n', headerEnd - 1) + 1;
      const header = /[|>][-+0-9]*[ \t]*(#.*)?\r?$/.exec(this.source.slice(headerStart, headerEnd));
      return header === null ? event.valueStart : headerStart + header.index;
    }
    return event.valueStart;
  }

  alias(event: AliasEvent): void {
    const name = this.slice(event.anchorStart, event.anchorEnd);
    // `*` precedes the name.
    const offset = event.anchorStart - 1;
    const target = this.anchors.get(name);
    if (this.inProgress.has(name)) {
      this.issue(offset, `alias \`*${name}\` refers to a value that contains it; recursive values are not supported`);
      this.refused = true;
      return;
    }
    if (target === undefined) {
      this.issue(offset, `alias \`*${name}\` refers to no anchor \`&${name}\` defined before it in this document`);
      this.refused = true;
      return;
    }
    this.aliasExpansion += target.size;
    if (this.aliasExpansion > MAX_ALIAS_EXPANSION && !this.refused) {
      this.issue(
        offset,
        `aliases expand this document beyond ${MAX_ALIAS_EXPANSION} values (refused to guard against alias bombs); write the values out instead`,
      );
      this.refused = true;
    }
    this.add({ kind: 'alias', target, offset, size: target.size }, offset);
  }

  open(event: SequenceEvent | MappingEvent): void {
    const tag = this.tagName(event.tagStart, event.tagEnd);
    const isMap = event.type === EVENT_ID.MAPPING;
    if (tag !== undefined && tag !== '' && tag !== (isMap ? 'map' : 'seq')) {
      this.issue(event.tagStart, `tag \`!!${tag}\` cannot be used on a ${isMap ? 'mapping' : 'list'}`);
    }
    const offset = firstOffset(event.tagStart, event.anchorStart, event.start) ?? this.keyOrParentOffset();
    const tree: SeqTree | MapTree = isMap
      ? { kind: 'map', entries: [], offset, size: 1 }
      : { kind: 'seq', items: [], offset, size: 1 };
    const anchor = this.slice(event.anchorStart, event.anchorEnd);
    if (anchor !== '') this.inProgress.add(anchor);
    this.stack.push({ tree, anchor: anchor === '' ? undefined : anchor, seen: new Map() });
  }

  close(): void {
    const done = this.stack.pop();
    if (done === undefined) return;
    if (done.anchor !== undefined) {
      this.inProgress.delete(done.anchor);
      this.anchors.set(done.anchor, done.tree);
    }
    this.add(done.tree, done.tree.offset);
  }

  /** Where an empty value (`key:` with nothing after it) is reported: at its key. */
  private keyOrParentOffset(): number {
    const top = this.stack[this.stack.length - 1];
    return top?.pendingKey?.offset ?? top?.tree.offset ?? 0;
  }

  private add(tree: Tree, offset: number): void {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) {
      this.root = tree;
      return;
    }
    if (top.tree.kind === 'seq') {
      top.tree.items.push(tree);
      top.tree.size += tree.size;
      return;
    }
    if (top.pendingKey === undefined) {
      top.pendingKey = this.keyText(tree, offset);
      return;
    }
    const { key, offset: keyOffset } = top.pendingKey;
    top.pendingKey = undefined;
    if (key === undefined) return;
    const first = top.seen.get(key);
    if (first !== undefined) {
      this.issue(
        keyOffset,
        `duplicate key ${quoted(key)}: already defined at line ${this.lines.position(first).line} of this mapping; remove one`,
      );
      return;
    }
    top.seen.set(key, keyOffset);
    top.tree.entries.push({ key, keyOffset, value: tree });
    top.tree.size += tree.size;
  }

  /** Keys are taken as written: `1:` and `true:` are the keys "1" and "true". */
  private keyText(tree: Tree, offset: number): { key: string | undefined; offset: number } {
    if (tree.kind === 'scalar') {
      // A plain `1.0:` or `true:` is the key "1.0" or "true", as written.
      return { key: tree.text, offset };
    }
    this.issue(offset, 'a mapping key must be a plain string, not a list, mapping or alias');
    return { key: undefined, offset };
  }

  result(): Tree | undefined {
    return this.refused ? undefined : this.root;
  }
}

/** The earliest of the offsets js-yaml gives (-1 means absent). */
function firstOffset(...offsets: number[]): number | undefined {
  const present = offsets.filter((o) => o >= 0);
  return present.length === 0 ? undefined : Math.min(...present);
}

/** YAML 1.2 core schema: `yes`, `on` and dates stay strings. */
function resolvePlain(text: string): JsonValue {
  for (const tag of [nullCoreTag, boolCoreTag, intCoreTag, floatCoreTag] as const) {
    const value = tag.resolve(text, false, tag.tagName);
    if (value !== NOT_RESOLVED) return value;
  }
  return text;
}

function resolveExplicit(tag: string, text: string): JsonValue | typeof NOT_RESOLVED {
  const def = { null: nullCoreTag, bool: boolCoreTag, int: intCoreTag, float: floatCoreTag }[tag];
  return def === undefined ? text : def.resolve(text, true, def.tagName);
}

function toJson(
  tree: Tree,
  pointer: string,
  lines: LineIndex,
  locations: Map<string, NodeLocation>,
  keyOffset?: number,
): JsonValue {
  const key = keyOffset === undefined ? undefined : lines.position(keyOffset);
  locations.set(pointer, { value: lines.position(tree.offset), ...(key ? { key } : {}) });
  // Inside an aliased value, locations point at the anchored original.
  const node = tree.kind === 'alias' ? tree.target : tree;
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map((item, i) => toJson(item, `${pointer}/${i}`, lines, locations));
    case 'map': {
      const out: { [key: string]: JsonValue } = {};
      for (const entry of node.entries) {
        // defineProperty: a `__proto__` key must be data, not a prototype change.
        Object.defineProperty(out, entry.key, {
          value: toJson(entry.value, `${pointer}/${pointerSegment(entry.key)}`, lines, locations, entry.keyOffset),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    case 'alias':
      // Aliases always point at built trees, never at other alias nodes.
      return toJson(node.target, pointer, lines, locations);
  }
}

/**
 * `description: owner: team` reads as a mapping nested on one line, which YAML
 * reports as bad indentation; what the writer needs to hear is to quote it.
 */
function unquotedColon(text: string, line: number): string | undefined {
  const source = text.split('\n')[line]?.replace(/\r$/, '') ?? '';
  const entry = /^\s*(?:-\s+)?([^\s:#'"][^:#]*?):\s+([^'"\s].*?)\s*$/.exec(source);
  if (entry === null || !/: /.test(entry[2] ?? '')) return undefined;
  const [, key = '', value = ''] = entry;
  if (key.length > ECHO_MAX || value.length > 2 * ECHO_MAX) return `the value of ${quoted(key)} contains \`: \`; a value containing \`: \` must be quoted`;
  return `the value of \`${key}\` contains \`: \`; a value containing \`: \` must be quoted: ${key}: "${value.replace(/"/g, '\\"')}"`;
}

/** The line and column js-yaml reports for a syntax error (its marks are 0-based). */
function syntaxIssue(error: unknown, text: string): ParseIssue {
  if (error instanceof YAMLException) {
    const mark = error.mark;
    const colon = error.reason === 'bad indentation of a mapping entry' ? unquotedColon(text, mark?.line ?? 0) : undefined;
    if (colon !== undefined) return { message: colon, position: { line: (mark?.line ?? 0) + 1, column: 1 } };
    return {
      message: `invalid YAML: ${error.reason}`,
      position: { line: (mark?.line ?? 0) + 1, column: (mark?.column ?? 0) + 1 },
    };
  }
  return { message: `invalid YAML: ${error instanceof Error ? error.message : String(error)}`, position: { line: 1, column: 1 } };
}

/**
 * Parses every document of one file. A syntax error anywhere yields that one
 * issue and no documents (js-yaml stops at the first). Other problems are
 * collected: duplicate keys (the first occurrence is kept), unsupported tags
 * (the value is kept as written), and alias problems (the document is dropped).
 */
export function parseDocuments(text: string): ParseResult {
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch (error) {
    return { documents: [], issues: [syntaxIssue(error, text)] };
  }
  const lines = new LineIndex(text);
  const issues: ParseIssue[] = [];
  const documents: ParsedDocument[] = [];
  let builder: DocumentBuilder | undefined;
  let depth = 0;
  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        builder = new DocumentBuilder(
          text,
          lines,
          issues,
          event.directives.some((d) => d.kind === 'tag'),
        );
        depth = 0;
        break;
      case EVENT_ID.SCALAR:
        builder?.scalar(event);
        break;
      case EVENT_ID.ALIAS:
        builder?.alias(event);
        break;
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING:
        depth++;
        builder?.open(event);
        break;
      case EVENT_ID.POP:
        if (depth > 0) {
          depth--;
          builder?.close();
        } else if (builder !== undefined) {
          const tree = builder.result();
          if (tree !== undefined) {
            const locations = new Map<string, NodeLocation>();
            const value = toJson(tree, '', lines, locations);
            documents.push({ value, start: lines.position(tree.offset), locations });
          }
          builder = undefined;
        }
        break;
    }
  }
  return { documents, issues };
}
