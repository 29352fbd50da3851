/**
 * Start-up cost of the bundled action with nothing to do (no definition matches), next to a bare
 * `node` start on the same machine, and the bundle's size.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE } from '../scripts/local-runner.js';

export interface StartupResult {
  readonly runs: number;
  /** Median wall time of `node dist/index.js` with nothing to do. */
  readonly actionMedianMs: number;
  /** Median wall time of `node -e ""`: what any Node program pays. */
  readonly nodeMedianMs: number;
  readonly bundleBytes: number;
}

function timeRun(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd, env, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${args.join(' ')} exited with ${code}`));
      else resolve(Number(process.hrtime.bigint() - started) / 1e6);
    });
  });
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

export async function measureStartup(runs = 9): Promise<StartupResult> {
  const repo = await mkdtemp(join(tmpdir(), 'fca-startup-'));
  try {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITHUB_WORKSPACE: repo,
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      INPUT_COMMAND: 'plan',
      INPUT_COMMENT: 'false',
      INPUT_RECORD: 'false',
      GITHUB_STEP_SUMMARY: join(repo, 'summary.md'),
      GITHUB_OUTPUT: join(repo, 'output'),
    };
    await Promise.all([writeFile(env.GITHUB_STEP_SUMMARY, ''), writeFile(env.GITHUB_OUTPUT, '')]);
    const action: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < runs; i++) {
      action.push(await timeRun([BUNDLE], env, repo));
      bare.push(await timeRun(['-e', ''], env, repo));
    }
    return { runs, actionMedianMs: median(action), nodeMedianMs: median(bare), bundleBytes: (await stat(BUNDLE)).size };
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
}
