import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../scripts/local-runner.js';

/** The README's tables are what users copy from: they must name every input and output of action.yml. */
describe('README and action.yml agree', () => {
  const action = yaml.load(readFileSync(join(PROJECT_ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
    outputs: Record<string, unknown>;
  };
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = (title: string): string => readme.split(`\n## ${title}\n`)[1]?.split('\n## ')[0] ?? '';

  it('lists every input, and no input that does not exist', () => {
    const inputs = section('Inputs');
    for (const name of Object.keys(action.inputs)) expect(inputs, name).toContain(`\`${name}\``);
    const named = [...inputs.matchAll(/^\| ((?:`[a-z-]+`(?:, )?)+) \|/gm)].flatMap((m) => [...(m[1] ?? '').matchAll(/`([a-z-]+)`/g)].map((n) => n[1]));
    expect(named.filter((n) => n !== undefined && !(n in action.inputs))).toEqual([]);
  });

  it('lists every output', () => {
    const outputs = section('Outputs');
    for (const name of Object.keys(action.outputs)) expect(outputs, name).toContain(`\`${name}\``);
  });
});

/** What `allow-deletes: false` does not do is as important as what it does. */
describe('allow-deletes', () => {
  const action = yaml.load(readFileSync(join(PROJECT_ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { description: string }> };
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');

  it('says in action.yml and in the README inputs table that replaces are not blocked', () => {
    expect(action.inputs['allow-deletes']?.description).toMatch(/does not block replaces/);
    expect(readme.split('\n').find((l) => l.startsWith('| `allow-deletes`'))).toMatch(/does not block replaces/);
  });
});

/** The permissions table is what a RAM policy is written from: the impact reads are in it, marked optional. */
describe('permissions table', () => {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');

  it('lists the impact reads as optional RAM actions of the plan job', () => {
    const plan = readme.split('\n').find((l) => l.startsWith('| plan (`pull_request`)')) ?? '';
    expect(plan).toMatch(/optional/);
    for (const action of ['stream:ListDeployments', 'stream:GetCatalogs', 'stream:GetDatabases', 'stream:GetTables']) expect(plan, action).toContain(`\`${action}\``);
  });
});
