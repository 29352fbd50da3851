/**
 * The action's entries: the bundle as the runner starts it when something fails before the run's
 * own handler, and the module GitHub's local runner (`npx @github/local-action . src/action.ts .env`)
 * imports and calls `run()` on, with the committed `.env.example`.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../src/emulator/catalog.js';
import { DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET } from '../../src/emulator/demo-credentials.js';
import { type EmulatorHandle, startEmulator } from '../../src/emulator/server.js';
import { PROJECT_ROOT, parseOutputFile, runAction } from '../../scripts/local-runner.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'fca-entry-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('a failure outside the run', () => {
  it('is one short message when a runner file is missing, not the bundle source', async () => {
    const missing = join(scratch, 'gone', 'output');
    const run = await runAction({ workspace: scratch, inputs: { command: 'plan', endpoint: '127.0.0.1:9' }, eventName: 'push', payload: {}, env: { GITHUB_OUTPUT: missing } });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`::error::Missing file at path: ${missing}`);
    // Node prints the throwing source line of an uncaught error: with a bundle, tens of kilobytes.
    expect(run.stdout.length + run.stderr.length, run.stderr.slice(0, 300)).toBeLessThan(2_000);
  });
});

/** The `.env` format @github/local-action reads (dotenv): NAME=value lines, # comments. */
function parseDotenv(text: string): Record<string, string> {
  const pairs = text
    .split('\n')
    .map((line) => /^([A-Z0-9_.-]+)=(.*)$/.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null);
  return Object.fromEntries(pairs.map((m) => [m[1] ?? '', m[2] ?? '']));
}

/** What the local runner does: load the .env, import the entry, check it exports run(), call it. */
const LOCAL_RUNNER = `
const entry = await import(process.env.ENTRY);
if (typeof entry.run !== 'function' || entry.run.length !== 0) throw new Error('no run() export');
console.log('imported; now run()');
await entry.run();
`;

describe("GitHub's local runner", () => {
  let emulator: EmulatorHandle;
  beforeAll(async () => {
    const { catalog, tables } = await loadCatalogFile(join(PROJECT_ROOT, '__fixtures__/catalog/catalog.yaml'));
    emulator = await startEmulator({ accessKeys: { [DEMO_ACCESS_KEY_ID]: DEMO_ACCESS_KEY_SECRET }, catalog, tables: { ...tables } });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('imports src/action.ts without running it, and run() plans examples/ with .env.example against the emulator', async () => {
    const dotenv = parseDotenv(await readFile(join(PROJECT_ROOT, '.env.example'), 'utf8'));
    expect(dotenv.INPUT_ENDPOINT).toBe('127.0.0.1:8787');
    const output = join(scratch, 'local-output');
    const summary = join(scratch, 'local-summary.md');
    await Promise.all([writeFile(output, ''), writeFile(summary, '')]);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: scratch,
      ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
      ...dotenv,
      // The emulator of this test listens on a port of its own.
      INPUT_ENDPOINT: emulator.url,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      ENTRY: join(PROJECT_ROOT, 'src/action.ts'),
    };
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', LOCAL_RUNNER], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, log).toBe(0);
    // Importing alone must not start a run: the local runner calls run() itself.
    expect(log.indexOf('imported; now run()'), log).toBeLessThan(log.indexOf('Plan:'));
    const outputs = parseOutputFile(await readFile(output, 'utf8'));
    expect(outputs.result, log).toBe('planned');
    expect(Number(outputs['to-register'])).toBeGreaterThan(0);
    expect(emulator.stats().calls.ListCustomConnectors).toBeGreaterThan(0);
  });
});
