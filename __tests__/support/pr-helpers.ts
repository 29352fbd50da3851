/**
 * Helpers for the end-to-end tests of the pull-request experience: reading the GitHub fake's
 * request log, building live connectors, and checking rendered markdown for structure.
 */
import type { FakeRequestLogEntry, GitHubFakeHandle } from '../../src/emulator/github-fake.js';
import { OWNER, REPO } from './world.js';

/** The requests the fake answered from index `since` on (`requests().length` taken before a run). */
export function requestsSince(github: GitHubFakeHandle, since: number): FakeRequestLogEntry[] {
  return github.requests().slice(since);
}

/** Calls to the comments API: the list of one PR's comments, and the create/update of any comment. */
export function commentCalls(entries: readonly FakeRequestLogEntry[], pr?: number): {
  list: FakeRequestLogEntry[];
  post: FakeRequestLogEntry[];
  patch: FakeRequestLogEntry[];
  all: FakeRequestLogEntry[];
} {
  const issuePath = (n: number | string): string => `/repos/${OWNER}/${REPO}/issues/${n}/comments`;
  const onIssue = (e: FakeRequestLogEntry): boolean =>
    pr === undefined ? /\/issues\/\d+\/comments(\?|$)/.test(e.path) : e.path.split('?')[0] === issuePath(pr);
  const all = entries.filter((e) => /\/issues\/(\d+\/)?comments/.test(e.path));
  return {
    list: entries.filter((e) => e.method === 'GET' && onIssue(e)),
    post: entries.filter((e) => e.method === 'POST' && onIssue(e)),
    patch: entries.filter((e) => e.method === 'PATCH' && /\/issues\/comments\/\d+$/.test(e.path)),
    all,
  };
}

/** The comments of one PR in the fake's repository. */
export function prComments(github: GitHubFakeHandle, pr: number) {
  return github.comments(OWNER, REPO, pr);
}

/** Comments written by the workflow token. */
export function botComments(github: GitHubFakeHandle, pr: number) {
  return prComments(github, pr).filter((c) => c.user.type === 'Bot');
}

/** A live connector as the API would list it. */
export { aLiveConnector as liveConnector } from './connectors.js';

/** The first line of a comment body: our hidden marker. */
export function markerOf(body: string): string {
  return body.split('\n')[0] ?? '';
}

/** The number of table cells in a markdown row: pipes not escaped as entities, minus one. */
export function cellCount(row: string): number {
  return (row.match(/\|/g) ?? []).length - 1;
}

/**
 * Every markdown table in `text`, as its lines (header, delimiter and rows). A table starts at a
 * line beginning with `|` followed by a delimiter row.
 */
export function tablesOf(text: string): string[][] {
  const lines = text.split('\n');
  const tables: string[][] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]?.startsWith('|') || !/^\|[\s:|-]+\|$/.test(lines[i + 1] ?? '')) continue;
    const table: string[] = [];
    while (i < lines.length && lines[i]?.startsWith('|')) table.push(lines[i++] ?? '');
    tables.push(table);
  }
  return tables;
}

/** Removes our own hidden HTML comments (marker and fingerprint) so the rest can be searched for `<!--`. */
export function withoutOwnMarkers(body: string): string {
  return body
    .split('\n')
    .filter((line) => !/^<!-- flink-connector-action:[A-Za-z0-9._/:-]+ -->$/.test(line))
    .join('\n');
}

/** 1-based line of the first line of `text` that contains `needle`. */
export function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`"${needle}" not found`);
  return index + 1;
}

/** One definition file in the `connectors:` list form, with `count` connectors named `<prefix>-NNNN`. */
export function bulkDefinitions(prefix: string, from: number, count: number, workspaceId: string, namespace: string): string {
  const lines = [`workspace_id: ${workspaceId}`, `namespace_name: ${namespace}`, 'connectors:'];
  for (let i = from; i < from + count; i++) {
    const name = `${prefix}-${String(i).padStart(4, '0')}`;
    lines.push(`  - connector_name: ${name}`, `    connector_type: ${name}`, `    jar_url: oss://flink-artifacts/bulk/${name}-1.0.0.jar`);
  }
  return `${lines.join('\n')}\n`;
}
