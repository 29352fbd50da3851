/**
 * The release rules as pure functions, so they are tested in-process: which versions are valid,
 * which section of CHANGELOG.md (Keep a Changelog) a version's release notes are, and how the
 * Unreleased section becomes a version's section.
 */

/** `1.2.3` or `1.2.3-rc.1`; a leading `v` (a tag name) is accepted and dropped. */
const VERSION = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly prerelease?: string;
  /** Without the `v`: `1.2.3`, `1.2.3-rc.1`. */
  readonly text: string;
}

export function parseVersion(input: string): Version {
  const match = VERSION.exec(input.trim());
  if (!match) throw new Error(`"${input}" is not a version: expected MAJOR.MINOR.PATCH, e.g. 1.2.3 (or 1.2.3-rc.1).`);
  const [, major, minor, patch, prerelease] = match;
  const text = input.trim().replace(/^v/, '');
  return { major: Number(major), minor: Number(minor), patch: Number(patch), ...(prerelease ? { prerelease } : {}), text };
}

/** Negative when a < b. A prerelease comes before its release; prereleases compare as text. */
export function compareVersions(a: Version, b: Version): number {
  const parts = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (parts !== 0) return parts;
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === undefined) return 1;
  if (b.prerelease === undefined) return -1;
  return a.prerelease < b.prerelease ? -1 : 1;
}

interface Section {
  /** Index of the `## ` heading line. */
  readonly start: number;
  /** Index of the line after the section's last line. */
  readonly end: number;
  readonly heading: string;
}

const LINK_DEFINITION = /^\[[^\]]+\]:\s/;

/** The `## ` sections; a section ends at the next `## ` heading or the link definitions at the end. */
function sections(lines: readonly string[]): Section[] {
  const starts = lines.flatMap((line, index) => (line.startsWith('## ') ? [index] : []));
  let tail = lines.length;
  while (tail > 0 && (LINK_DEFINITION.test(lines[tail - 1] ?? '') || (lines[tail - 1] ?? '').trim() === '')) tail -= 1;
  return starts.map((start, i) => ({ start, end: starts[i + 1] ?? tail, heading: lines[start] ?? '' }));
}

const headingVersion = (heading: string): string | undefined => /^## \[([^\]]+)\]/.exec(heading)?.[1];

function findSection(lines: readonly string[], name: string): Section | undefined {
  return sections(lines).find((section) => headingVersion(section.heading)?.toLowerCase() === name.toLowerCase());
}

/** Drops `### ` subsections that have no entry, so a release shows only what changed. */
function withoutEmptySubsections(body: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < body.length; i += 1) {
    const line = body[i] ?? '';
    if (line.startsWith('### ')) {
      let next = i + 1;
      while (next < body.length && !(body[next] ?? '').startsWith('### ') && (body[next] ?? '').trim() === '') next += 1;
      if (next >= body.length || (body[next] ?? '').startsWith('### ')) {
        i = next - 1;
        continue;
      }
    }
    out.push(line);
  }
  while (out.length > 0 && (out[out.length - 1] ?? '').trim() === '') out.pop();
  while (out.length > 0 && (out[0] ?? '').trim() === '') out.shift();
  return out;
}

/** The release notes of `version`: its section without the heading. Throws when there is none or it is empty. */
export function changelogSection(changelog: string, version: string): string {
  const lines = changelog.split('\n');
  const section = findSection(lines, parseVersion(version).text);
  if (!section) throw new Error(`CHANGELOG.md has no section for ${version} (expected a heading "## [${parseVersion(version).text}] - YYYY-MM-DD").`);
  const body = withoutEmptySubsections(lines.slice(section.start + 1, section.end));
  if (body.length === 0) throw new Error(`The CHANGELOG.md section for ${version} is empty.`);
  return `${body.join('\n')}\n`;
}

/** The empty subsections a fresh Unreleased section offers, in Keep a Changelog's order. */
const UNRELEASED_SUBSECTIONS = ['Added', 'Changed', 'Deprecated', 'Removed', 'Fixed', 'Security'];

/**
 * Moves the entries of Unreleased under `## [version] - date` and leaves a fresh Unreleased
 * section with empty subsections; updates the compare links at the end when there are any.
 */
export function releaseChangelog(changelog: string, version: string, date: string): string {
  const v = parseVersion(version);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`"${date}" is not a date (YYYY-MM-DD).`);
  const lines = changelog.split('\n');
  if (findSection(lines, v.text)) throw new Error(`CHANGELOG.md already has a section for ${v.text}.`);
  const unreleased = findSection(lines, 'Unreleased');
  if (!unreleased) throw new Error('CHANGELOG.md has no "## [Unreleased]" section.');
  const entries = withoutEmptySubsections(lines.slice(unreleased.start + 1, unreleased.end));
  if (entries.length === 0) throw new Error('The Unreleased section of CHANGELOG.md has no entries: nothing to release.');

  const fresh = ['## [Unreleased]', '', ...UNRELEASED_SUBSECTIONS.flatMap((name) => [`### ${name}`, '']), `## [${v.text}] - ${date}`, '', ...entries, ''];
  const released = [...lines.slice(0, unreleased.start), ...fresh, ...lines.slice(unreleased.end)];
  return updateLinks(released, v.text).join('\n');
}

/** `[Unreleased]: <repo>/compare/vX...HEAD` becomes `.../compare/vNEW...HEAD`, plus `[NEW]: .../compare/vX...vNEW`. */
function updateLinks(lines: string[], version: string): string[] {
  const index = lines.findIndex((line) => /^\[Unreleased\]:\s/i.test(line));
  const match = index < 0 ? null : /^\[Unreleased\]:\s*(\S+)\/compare\/(\S+)\.\.\.HEAD\s*$/i.exec(lines[index] ?? '');
  if (!match) return lines;
  const [, base, previous] = match;
  return [
    ...lines.slice(0, index),
    `[Unreleased]: ${base}/compare/v${version}...HEAD`,
    `[${version}]: ${base}/compare/${previous}...v${version}`,
    ...lines.slice(index + 1),
  ];
}
