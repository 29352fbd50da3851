import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { changelogSection, compareVersions, parseVersion, releaseChangelog } from '../../scripts/changelog.js';

const repoFile = (name: string) => readFileSync(fileURLToPath(new URL(`../../${name}`, import.meta.url)), 'utf8');

const CHANGELOG = `# Changelog

Intro.

## [Unreleased]

### Added

- A new input.

### Changed

### Fixed

- A crash.

## [1.1.0] - 2026-10-01

### Added

- Export.

## [1.0.0] - 2026-09-01

- First.

[Unreleased]: https://github.com/acme/flink-connector-action/compare/v1.1.0...HEAD
[1.1.0]: https://github.com/acme/flink-connector-action/compare/v1.0.0...v1.1.0
[1.0.0]: https://github.com/acme/flink-connector-action/releases/tag/v1.0.0
`;

describe('versions', () => {
  it('accepts MAJOR.MINOR.PATCH, a prerelease and a tag name', () => {
    expect(parseVersion('1.2.3')).toEqual({ major: 1, minor: 2, patch: 3, text: '1.2.3' });
    expect(parseVersion('v10.0.1')).toMatchObject({ major: 10, text: '10.0.1' });
    expect(parseVersion('1.3.0-rc.1')).toMatchObject({ prerelease: 'rc.1', text: '1.3.0-rc.1' });
  });

  it.each(['1.2', '1.2.3.4', '01.2.3', 'v', 'latest', '1.2.3-', '-1.2.3', '1.2.3 beta'])('refuses %j', (input) => {
    expect(() => parseVersion(input)).toThrow(/is not a version/);
  });

  it('orders versions, a prerelease before its release', () => {
    const sorted = ['1.10.0', '1.2.0', '2.0.0-rc.1', '1.2.0-rc.2', '2.0.0', '0.9.9', '1.2.0-rc.1'].map(parseVersion).sort(compareVersions);
    expect(sorted.map((v) => v.text)).toEqual(['0.9.9', '1.2.0-rc.1', '1.2.0-rc.2', '1.2.0', '1.10.0', '2.0.0-rc.1', '2.0.0']);
  });
});

describe('changelogSection', () => {
  it('is the version section without its heading, up to the next version', () => {
    expect(changelogSection(CHANGELOG, '1.1.0')).toBe('### Added\n\n- Export.\n');
    expect(changelogSection(CHANGELOG, 'v1.1.0')).toBe('### Added\n\n- Export.\n');
  });

  it('stops before the link definitions at the end', () => {
    expect(changelogSection(CHANGELOG, '1.0.0')).toBe('- First.\n');
  });

  it('refuses a version with no section, and an empty one', () => {
    expect(() => changelogSection(CHANGELOG, '1.2.0')).toThrow(/no section for 1.2.0/);
    expect(() => changelogSection('## [1.0.0] - 2026-01-01\n\n### Added\n\n## [0.9.0] - 2025-01-01\n\n- x\n', '1.0.0')).toThrow(/empty/);
  });
});

describe('releaseChangelog', () => {
  const released = releaseChangelog(CHANGELOG, '1.2.0', '2026-12-01');

  it('moves the Unreleased entries under the version and date, dropping empty subsections', () => {
    expect(changelogSection(released, '1.2.0')).toBe('### Added\n\n- A new input.\n\n### Fixed\n\n- A crash.\n');
    expect(released).toContain('## [1.2.0] - 2026-12-01\n');
    // Older sections are untouched.
    expect(changelogSection(released, '1.1.0')).toBe(changelogSection(CHANGELOG, '1.1.0'));
    expect(released.startsWith('# Changelog\n\nIntro.\n\n## [Unreleased]\n')).toBe(true);
  });

  it('leaves an Unreleased section with room for the next entries, and nothing in it', () => {
    const unreleased = released.split('## [Unreleased]\n')[1]?.split('\n## [')[0] ?? '';
    expect(unreleased.match(/^### \w+$/gm)).toEqual(['### Added', '### Changed', '### Deprecated', '### Removed', '### Fixed', '### Security']);
    expect(unreleased).not.toMatch(/^- /m);
    expect(() => releaseChangelog(released, '1.2.1', '2026-12-02')).toThrow(/nothing to release/);
  });

  it('updates the compare links', () => {
    expect(released).toContain('[Unreleased]: https://github.com/acme/flink-connector-action/compare/v1.2.0...HEAD\n');
    expect(released).toContain('[1.2.0]: https://github.com/acme/flink-connector-action/compare/v1.1.0...v1.2.0\n');
    expect(released.endsWith('[1.0.0]: https://github.com/acme/flink-connector-action/releases/tag/v1.0.0\n')).toBe(true);
  });

  it('refuses an existing version, a bad date and a changelog without Unreleased', () => {
    expect(() => releaseChangelog(CHANGELOG, '1.1.0', '2026-12-01')).toThrow(/already has a section/);
    expect(() => releaseChangelog(CHANGELOG, '1.2.0', '1 Dec 2026')).toThrow(/not a date/);
    expect(() => releaseChangelog('# Changelog\n\n## [1.0.0] - 2026-01-01\n\n- x\n', '1.2.0', '2026-12-01')).toThrow(/no "## \[Unreleased\]"/);
  });
});

describe("this repository's CHANGELOG.md", () => {
  const text = repoFile('CHANGELOG.md');

  it('releases cleanly: the next version gets the Unreleased entries and a compare link from the last version', () => {
    const released = releaseChangelog(text, '1.0.0', '2027-01-04');
    expect(changelogSection(released, '1.0.0')).toContain('`command: check`');
    const unreleasedLink = /^\[Unreleased\]: (\S+)\/compare\/(\S+)\.\.\.HEAD$/m.exec(text);
    expect(unreleasedLink).not.toBeNull();
    expect(released).toContain(`[1.0.0]: ${unreleasedLink![1]}/compare/${unreleasedLink![2]}...v1.0.0\n`);
  });

  it('every version heading has a link definition, and the package version has a section', () => {
    const headings = [...text.matchAll(/^## \[([^\]]+)\]/gm)].map((m) => m[1]);
    expect(headings[0]).toBe('Unreleased');
    for (const heading of headings) expect(text, heading).toMatch(new RegExp(`^\\[${heading!.replace(/\./g, '\\.')}\\]: https://`, 'm'));
    const version = (JSON.parse(repoFile('package.json')) as { version: string }).version;
    expect(changelogSection(text, version)).toContain('### Added');
  });
});
