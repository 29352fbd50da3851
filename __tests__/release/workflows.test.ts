/**
 * Every workflow we run or show passes action-validator, and every example gives each job only the
 * permissions it needs: writes only where that job's command needs them, the ID token only with
 * keyless sign-in.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../scripts/local-runner.js';
import { runCommand } from '../support/command.js';

const VALIDATOR = join(PROJECT_ROOT, 'node_modules', '.bin', 'action-validator');
const yamlFiles = (dir: string) => readdirSync(join(PROJECT_ROOT, dir)).filter((name) => /\.ya?ml$/.test(name)).map((name) => join(dir, name));
const OURS = yamlFiles('.github/workflows');
const EXAMPLES = yamlFiles('examples/workflows');

/** A workflow of the README, as a user copies it: the yaml block that starts with its file name. */
function readmeWorkflow(file: string): string {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const block = readme.split('```yaml\n').find((part) => part.startsWith(`# .github/workflows/${file}\n`))?.split('```')[0];
  if (!block) throw new Error(`README.md has no ${file} workflow block`);
  return block;
}
const README_USAGE = readmeWorkflow('flink-connectors.yml');
const README_DRIFT = readmeWorkflow('flink-connectors-drift.yml');

async function validate(text: string): Promise<{ code: number; stdout: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'fca-workflow-'));
  try {
    await writeFile(join(dir, 'workflow.yml'), text);
    return await runCommand(dir, VALIDATOR, [join(dir, 'workflow.yml')]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('action-validator', () => {
  it.each([...OURS, ...EXAMPLES])('passes %s', async (file) => {
    expect(OURS).toEqual(expect.arrayContaining(['.github/workflows/ci.yml', '.github/workflows/release.yml']));
    const run = await runCommand(PROJECT_ROOT, VALIDATOR, [file]);
    expect(run, file).toMatchObject({ code: 0 });
  });

  it("passes the README's Usage workflow", async () => {
    expect(await validate(README_USAGE)).toMatchObject({ code: 0 });
  });

  it("passes the README's scheduled drift workflow", async () => {
    expect(await validate(README_DRIFT)).toMatchObject({ code: 0 });
  });

  it('rejects a broken workflow (it does check)', async () => {
    const broken = README_USAGE.replace('deployments: write', 'deployments: sometimes');
    expect(broken).not.toBe(README_USAGE);
    expect((await validate(broken)).code).not.toBe(0);
  });
});

type Permissions = Record<string, string> | string | undefined;
interface Job {
  if?: string;
  permissions?: Permissions;
  steps: { uses?: string; with?: Record<string, string> }[];
}
interface Workflow {
  permissions?: Permissions;
  jobs: Record<string, Job>;
}

/** The permissions a job asks for above what it needs, or without which it cannot work. */
function privilegeProblems(workflow: Workflow): string[] {
  const problems: string[] = [];
  if (workflow.permissions !== undefined && typeof workflow.permissions === 'object' && Object.values(workflow.permissions).some((p) => p !== 'read' && p !== 'none')) {
    problems.push('the workflow grants write permissions to every job');
  }
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const granted = job.permissions ?? workflow.permissions;
    if (granted === undefined || typeof granted === 'string') {
      problems.push(`${name}: no explicit permissions`);
      continue;
    }
    const ours = job.steps.filter((step) => step.uses?.includes('flink-connector-action'));
    const commands = new Set(ours.map((step) => step.with?.command ?? 'auto'));
    const keyless = ours.some((step) => step.with?.['role-arn'] !== undefined);
    const needs: Record<string, string> = {
      contents: 'read',
      ...(commands.has('plan') ? { 'pull-requests': 'write', deployments: 'read' } : {}),
      ...(commands.has('apply') || commands.has('auto') ? { 'pull-requests': 'write', deployments: 'write' } : {}),
      ...(commands.has('check') ? { deployments: 'read', issues: 'write' } : {}),
      ...(keyless ? { 'id-token': 'write' } : {}),
    };
    if (ours.length === 0) continue;
    const sorted = (p: Record<string, string>) => JSON.stringify(Object.entries(p).sort(([a], [b]) => a.localeCompare(b)));
    if (sorted(granted) !== sorted(needs)) problems.push(`${name}: grants ${sorted(granted)}, needs ${sorted(needs)}`);
    if (commands.has('plan') && !job.if?.includes("'pull_request'")) problems.push(`${name}: plans on events other than pull requests`);
    if (commands.has('apply') && !job.if?.includes("'push'")) problems.push(`${name}: applies on events other than pushes`);
  }
  return problems;
}

describe('least privilege', () => {
  it.each(EXAMPLES)('%s: plan and apply jobs, each with only its permissions', (file) => {
    const workflow = yaml.load(readFileSync(join(PROJECT_ROOT, file), 'utf8')) as Workflow;
    expect(Object.keys(workflow.jobs)).toEqual(['plan', 'apply']);
    expect(privilegeProblems(workflow)).toEqual([]);
  });

  it("the README's Usage workflow: plan and apply jobs, each with only its permissions", () => {
    const workflow = yaml.load(README_USAGE) as Workflow;
    expect(Object.keys(workflow.jobs)).toEqual(['plan', 'apply']);
    expect(privilegeProblems(workflow)).toEqual([]);
  });

  it('our workflows write nothing but the release', () => {
    for (const file of OURS) {
      const workflow = yaml.load(readFileSync(join(PROJECT_ROOT, file), 'utf8')) as Workflow;
      expect(workflow.permissions, file).toEqual({ contents: 'read' });
      const writes = Object.entries(workflow.jobs).filter(([, job]) => typeof job.permissions === 'object' && Object.values(job.permissions).includes('write'));
      expect(writes.map(([name, job]) => `${file}:${name}:${JSON.stringify(job.permissions)}`)).toEqual(
        file.endsWith('release.yml') ? ['.github/workflows/release.yml:release:{"contents":"write"}'] : [],
      );
    }
  });

  it("the README's drift workflow: a daily check, one at a time, with only what a check needs", () => {
    const workflow = yaml.load(README_DRIFT) as Workflow & { on: { schedule?: { cron: string }[] }; concurrency?: { group: string } };
    expect(workflow.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }]);
    expect(workflow.concurrency?.group).toEqual(expect.any(String));
    expect(Object.values(workflow.jobs).flatMap((job) => job.steps.filter((step) => step.uses?.includes('flink-connector-action')).map((step) => step.with?.command))).toEqual(['check']);
    expect(privilegeProblems(workflow)).toEqual([]);
  });

  it('catches a plan job that can write the record', () => {
    const workflow = yaml.load(README_USAGE) as Workflow;
    const plan = workflow.jobs.plan as Job;
    plan.permissions = { ...(plan.permissions as Record<string, string>), deployments: 'write' };
    expect(privilegeProblems(workflow)).toEqual([expect.stringContaining('plan: grants')]);
  });
});

describe('Node versions', () => {
  it('the suite runs on Node 20 and 24; the action on the runner’s Node 24; engines admit 20', () => {
    const ci = yaml.load(readFileSync(join(PROJECT_ROOT, '.github/workflows/ci.yml'), 'utf8')) as { jobs: { test: { strategy: { matrix: { node: number[] } } } } };
    expect(ci.jobs.test.strategy.matrix.node).toEqual([20, 24]);
    const action = yaml.load(readFileSync(join(PROJECT_ROOT, 'action.yml'), 'utf8')) as { runs: { using: string } };
    expect(action.runs.using).toBe('node24');
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe('>=20');
  });
});
