/**
 * The README's YAML is what users copy: each workflow block is a complete workflow that validates,
 * or the text right above it says it is a fragment (and a fragment's jobs still name `runs-on`);
 * every use of the action names its target; the pre-commit snippet names the repository and tag the
 * workflows pin; the definitions table lists every key the schema knows.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../scripts/local-runner.js';

const { validateWorkflow } = createRequire(import.meta.url)('@action-validator/core') as { validateWorkflow(src: string): { errors: unknown[] } };

const README = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');

interface Block {
  readonly text: string;
  /** The prose right above the block, back to the previous block or heading. */
  readonly before: string;
  readonly line: number;
}

/** Every ```yaml block, indented ones (in list items) included, dedented. */
function yamlBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let previousEnd = 0;
  for (const match of markdown.matchAll(/^( *)```yaml\n([\s\S]*?)^\1```/gm)) {
    const indent = match[1] ?? '';
    const text = (match[2] ?? '')
      .split('\n')
      .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
      .join('\n');
    const prose = markdown.slice(previousEnd, match.index);
    const before = prose.slice(prose.lastIndexOf('\n#') + 1);
    blocks.push({ text, before, line: markdown.slice(0, match.index).split('\n').length });
    previousEnd = match.index + match[0].length;
  }
  return blocks;
}

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}

const BLOCKS = yamlBlocks(README);
const isWorkflow = (b: Block): boolean => /^\s*(- )?uses: |^jobs:/m.test(b.text);
const WORKFLOWS = BLOCKS.filter(isWorkflow);
const where = (b: Block): string => `README.md:${b.line}`;

/** The steps of a workflow block: of every job, or the block itself when it is a list of steps. */
function stepsOf(doc: unknown): Step[] {
  if (Array.isArray(doc)) return doc as Step[];
  const jobs = (doc as { jobs?: Record<string, { steps?: Step[] }> }).jobs ?? {};
  return Object.values(jobs).flatMap((job) => job.steps ?? []);
}

const ACTION_USE = /^([\w.-]+\/flink-connector-action)@(\S+)$/;

describe("the README's YAML", () => {
  it('has workflow blocks to check (the Usage, drift, keyless and export examples)', () => {
    expect(WORKFLOWS.length).toBeGreaterThanOrEqual(4);
  });

  it.each(WORKFLOWS.map((b) => [where(b), b] as const))('%s is a complete, valid workflow or says it is a fragment', (_, block) => {
    const doc = yaml.load(block.text) as Record<string, unknown>;
    const fragment = /\bfragment\b/i.test(block.before);
    if (!fragment) {
      expect(Object.keys(doc ?? {}), where(block)).toEqual(expect.arrayContaining(['on', 'jobs']));
      expect(validateWorkflow(block.text).errors, where(block)).toEqual([]);
    } else if (doc && !Array.isArray(doc) && 'jobs' in doc) {
      // A fragment of jobs still validates once it has a trigger: every job says where it runs.
      expect(validateWorkflow(`on: push\n${block.text}`).errors, where(block)).toEqual([]);
    }
  });

  it.each(WORKFLOWS.map((b) => [where(b), b] as const))('%s names the target of every use of the action', (_, block) => {
    const uses = stepsOf(yaml.load(block.text)).filter((s) => ACTION_USE.test(s.uses ?? ''));
    expect(uses.length, where(block)).toBeGreaterThan(0);
    for (const step of uses) expect(Object.keys(step.with ?? {}), where(block)).toEqual(expect.arrayContaining(['workspace-id', 'namespace']));
  });

  it('gives pre-commit the repository and tag the workflows pin', () => {
    const pins = new Set(WORKFLOWS.flatMap((b) => stepsOf(yaml.load(b.text)).map((s) => ACTION_USE.exec(s.uses ?? '')?.slice(1, 3).join('@') ?? '')).filter(Boolean));
    expect([...pins]).toHaveLength(1);
    const [repo, ref] = [...pins][0]?.split('@') ?? [];
    const config = BLOCKS.map((b) => yaml.load(b.text) as { repos?: Array<{ repo: string; rev: string; hooks: Array<{ id: string }> }> }).find((d) => d?.repos);
    expect(config?.repos?.[0]).toMatchObject({ repo: `https://github.com/${repo}`, rev: ref, hooks: [{ id: 'flink-connectors-validate' }] });
  });

  it('lists every key of a connector definition in the definitions table', () => {
    const schema = JSON.parse(readFileSync(join(PROJECT_ROOT, 'schema/connector-definitions.schema.json'), 'utf8')) as { definitions: { connector: { properties: Record<string, unknown> } } };
    const table = README.slice(README.indexOf('| field | type | required | meaning |'));
    const rows = table.slice(0, table.indexOf('\n\n')).split('\n');
    const listed = new Set(rows.flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([a-z_]+)`/g)].map((m) => m[1])));
    expect(Object.keys(schema.definitions.connector.properties).filter((key) => !listed.has(key))).toEqual([]);
  });
});
