/**
 * Reads a deployment's SQL script for what it builds on: the connector types it declares inline
 * (`'connector' = 'x'` in a WITH clause) and the catalog tables it names. A small tokenizer rather
 * than a SQL parser: it must never fail on a script, and reporting one user too many is better
 * than missing one, so names are compared without case.
 */

export interface SqlUse {
  /** Connector types declared inline, lower-cased. */
  readonly inlineConnectors: ReadonlySet<string>;
  /** Every name the script could use as a table, as `catalog.database.table`, lower-cased. */
  readonly tableRefs: ReadonlySet<string>;
}

/** Where one- and two-part names resolve before any `USE` (Ververica's built-in catalog). */
export interface SqlDefaults {
  readonly catalog: string;
  readonly database: string;
}

export const DEFAULT_CATALOG: SqlDefaults = { catalog: 'vvp', database: 'default' };

type Token = { kind: 'word' | 'quoted' | 'ident' | 'punct'; text: string };

/** Words, 'strings' and "strings" (both may quote WITH keys and values), `identifiers`, punctuation; comments dropped. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      let text = '';
      let j = i + 1;
      for (; j < sql.length; j++) {
        if (sql[j] === c && sql[j + 1] === c) {
          text += c;
          j++;
        } else if (sql[j] === c) {
          break;
        } else {
          text += sql[j];
        }
      }
      tokens.push({ kind: c === '`' ? 'ident' : 'quoted', text });
      i = j + 1;
    } else if (/[\p{L}\p{N}_$]/u.test(c)) {
      let j = i;
      while (j < sql.length && /[\p{L}\p{N}_$]/u.test(sql[j] as string)) j++;
      tokens.push({ kind: 'word', text: sql.slice(i, j) });
      i = j;
    } else {
      tokens.push({ kind: 'punct', text: c });
      i++;
    }
  }
  return tokens;
}

const isName = (t: Token | undefined): t is Token => t !== undefined && (t.kind === 'word' || t.kind === 'ident');
const isWord = (t: Token | undefined, word: string): boolean => t?.kind === 'word' && t.text.toLowerCase() === word;

/** The dotted name starting at `index` and the index after it. */
function dottedName(tokens: readonly Token[], index: number): { parts: string[]; next: number } {
  const parts = [(tokens[index] as Token).text];
  let j = index + 1;
  while (tokens[j]?.text === '.' && tokens[j]?.kind === 'punct' && isName(tokens[j + 1])) {
    parts.push((tokens[j + 1] as Token).text);
    j += 2;
  }
  return { parts, next: j };
}

export function scanSql(sql: string, defaults: SqlDefaults = DEFAULT_CATALOG): SqlUse {
  const tokens = tokenize(sql);
  const inlineConnectors = new Set<string>();
  const tableRefs = new Set<string>();
  const temporary = new Set<string>();
  let catalog = defaults.catalog;
  let database = defaults.database;

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== 'word' && t.text.trim().toLowerCase() === 'connector' && tokens[i + 1]?.text === '=' && tokens[i + 2]?.kind === 'quoted') {
      inlineConnectors.add((tokens[i + 2] as Token).text.trim().toLowerCase());
      i += 2;
      continue;
    }
    if (isWord(t, 'use')) {
      // USE CATALOG c | USE c.db | USE db
      const isCatalog = isWord(tokens[i + 1], 'catalog') && isName(tokens[i + 2]);
      const start = isCatalog ? i + 2 : i + 1;
      if (!isName(tokens[start])) continue;
      const { parts, next } = dottedName(tokens, start);
      if (isCatalog) catalog = parts[0] as string;
      else if (parts.length >= 2) [catalog, database] = parts as [string, string];
      else database = parts[0] as string;
      i = next - 1;
      continue;
    }
    if (isWord(t, 'temporary')) {
      // CREATE TEMPORARY [TABLE|VIEW] name: a one-part name then means this, not a catalog table.
      let j = i + 1;
      while (isWord(tokens[j], 'table') || isWord(tokens[j], 'view') || isWord(tokens[j], 'if') || isWord(tokens[j], 'not') || isWord(tokens[j], 'exists')) j++;
      if (isName(tokens[j])) {
        const { parts, next } = dottedName(tokens, j);
        if (parts.length === 1) temporary.add((parts[0] as string).toLowerCase());
        i = next - 1;
      }
      continue;
    }
    if (isName(t)) {
      const { parts, next } = dottedName(tokens, i);
      if (parts.length === 1 && temporary.has((parts[0] as string).toLowerCase())) {
        i = next - 1;
        continue;
      }
      const full = parts.length >= 3 ? parts.slice(0, 3) : parts.length === 2 ? [catalog, ...parts] : [catalog, database, ...parts];
      tableRefs.add(full.join('.').toLowerCase());
      i = next - 1;
    }
  }
  return { inlineConnectors, tableRefs };
}
