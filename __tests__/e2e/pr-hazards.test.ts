/**
 * Text that anyone opening a pull request controls (descriptions, JAR URLs, formats, file names)
 * and text the API returns (names of connectors registered outside the action) must render inert
 * in the comment and the job summary: no HTML, no mention, no code span, no hidden comment, and no
 * table cell split by a pipe.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../scripts/local-runner.js';
import { cellCount, liveConnector, prComments, tablesOf, withoutOwnMarkers } from '../support/pr-helpers.js';
import { JARS, NS, WS, type World, startWorld } from '../support/world.js';

const SCRIPT = '<script>alert(1)</script>';
const HAZARDS = [SCRIPT, 'a|b', '@someone', '`rm -rf`', '<!-- hidden'];
const HAZARD_TEXT = HAZARDS.join(' ');
/** A JAR URL with no whitespace (as the schema requires) that carries every hazard. */
const EVIL_JAR = 'https://evil.example.com/x|y/<script>alert(1)</script>/@someone/`rm`/<!--/evil.jar';
/** A file name with characters that mean something in markdown. */
const EVIL_FILE = 'connectors/we|ird@someone`x`.yaml';

function inert(text: string, where: string): void {
  const visible = withoutOwnMarkers(text);
  expect(visible, where).not.toContain('<script');
  expect(visible, where).not.toContain('<!--');
  expect(visible, where).not.toMatch(/@someone/);
  expect(visible, where).not.toContain('`rm');
  expect(visible, where).not.toContain('`x`');
  expect(visible, where).not.toContain('a|b');
  expect(visible, where).not.toContain('x|y');
  expect(visible, where).not.toContain('we|ird');
  expect(visible, where).not.toContain('<img');
  // Every row of every table has as many cells as its header.
  const tables = tablesOf(visible);
  expect(tables.length, where).toBeGreaterThan(0);
  for (const table of tables) {
    const cells = cellCount(table[0] ?? '');
    for (const row of table) expect(cellCount(row), `${where}: ${row}`).toBe(cells);
  }
}

describe('hostile text in definitions and in the workspace', () => {
  let world: World;
  let run: RunResult;
  const pr = 600;

  beforeAll(async () => {
    world = await startWorld();
    await world.write({
      'connectors/evil.yaml': [
        `workspace_id: ${WS}`,
        `namespace_name: ${NS}`,
        'connectors:',
        '  - connector_name: evil-register',
        '    connector_type: evil-register',
        `    jar_url: "${EVIL_JAR}"`,
        `    description: ${JSON.stringify(HAZARD_TEXT)}`,
        '  - connector_name: kafka-orders',
        '    connector_type: kafka-orders',
        `    jar_url: ${JARS.kafkaV1}`,
        `    description: ${JSON.stringify(HAZARD_TEXT)}`,
        `    supported_formats: ${JSON.stringify(HAZARDS)}`,
        '',
      ].join('\n'),
      [EVIL_FILE]: ['connector_name: old-sink', 'state: absent', `description: ${JSON.stringify(HAZARD_TEXT)}`, ''].join('\n'),
    });
    world.emulator.seed(WS, NS, [
      liveConnector({ name: 'kafka-orders', source: true, sink: true, supportedFormats: ['json', '<img src=x onerror=alert(1)>'] }),
      liveConnector({ name: 'old-sink', type: 'old|sink<script>' }),
      liveConnector({ name: 'hand|made<script>alert(1)</script>@someone`x`<!--', type: 'hand-made' }),
    ]);
    run = await world.plan({ pr });
  });

  afterAll(async () => {
    await world.close();
  });

  it('plans them (the hazards reach the reports)', () => {
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs['to-register']).toBe('1');
    expect(run.outputs['to-replace']).toBe('1');
    expect(run.outputs['to-delete']).toBe('1');
    // The hostile values are in the plan the reports are made from.
    const json = run.outputs['plan-json'] ?? '';
    expect(json).toContain(JSON.stringify(EVIL_JAR).slice(1, -1));
    expect(json).toContain('hand|made<script>');
    expect(json).toContain('we|ird@someone');
    // ...and shown, escaped, in the comment.
    const body = prComments(world.github, pr)[0]?.body ?? '';
    expect(body).toContain('evil.example.com');
    expect(body).toContain('hand&#124;made&lt;script&gt;');
    expect(body).toMatch(/we&#124;ird@\u200Dsomeone&#96;x&#96;/);
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('renders them inert in the PR comment', () => {
    const comments = prComments(world.github, pr);
    expect(comments).toHaveLength(1);
    inert(comments[0]?.body ?? '', 'comment');
  });

  it('renders them inert in the job summary', () => {
    expect(run.summary).toContain('Plan: 1 to register, 1 to replace, 1 to delete.');
    inert(run.summary, 'summary');
  });
});
