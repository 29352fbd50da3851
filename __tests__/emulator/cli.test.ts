import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET } from '../../src/emulator/demo-credentials.js';
import { runCommand } from '../support/command.js';
import { RuntimeClient } from './runtime-client.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const children: ChildProcess[] = [];

/** Environment without any Alibaba Cloud credentials, so defaults are what the test says. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ALIBABA_CLOUD_')));
  return { ...env, ...extra };
}

interface Running {
  readonly child: ChildProcess;
  readonly endpoint: string;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts the CLI asynchronously (the test's event loop must stay free) and waits for its endpoint line. */
function startCli(args: string[], env: NodeJS.ProcessEnv): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/emulator/cli.ts', '--port', '0', ...args], { cwd: ROOT, env });
  children.push(child);
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /^endpoint: (\S+)$/m.exec(output);
      if (match?.[1] !== undefined) resolve({ child, endpoint: match[1], output: () => output, exited });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => reject(new Error(`the emulator exited early (${code}): ${output}`)));
  });
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('emulator CLI', () => {
  it('serves signed calls with the given key, exposes the control API and stops cleanly on SIGTERM', async () => {
    const secret = 'cli-secret-5d1e';
    const running = await startCli(['--access-key-id', 'LTAI5tCliKey', '--access-key-secret', secret, '--latency-ms', '0'], cleanEnv());
    const client = new RuntimeClient(running.endpoint, { accessKeyId: 'LTAI5tCliKey', accessKeySecret: secret });

    const registered = await client.call('RegisterCustomConnector', {
      namespace: 'default',
      workspace: 'ws',
      jarUrl: 'oss://flink-artifacts/connectors/kafka-orders-1.0.0.jar',
    });
    expect(registered.body.success).toBe(true);
    const stats = (await (await fetch(`http://${running.endpoint}/__emulator/stats`)).json()) as unknown;
    expect(stats).toEqual({ calls: { RegisterCustomConnector: 1 }, total: 1 });

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(running.output()).toContain('accepting AccessKeyId LTAI5tCliKey');
    expect(running.output()).not.toContain(secret);
  });

  it('falls back to the environment, then to the demo key, printing the demo pair and the command line to use it', async () => {
    const fromEnv = await startCli([], cleanEnv({ ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tEnvKey', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'env-secret-91' }));
    const envClient = new RuntimeClient(fromEnv.endpoint, { accessKeyId: 'LTAI5tEnvKey', accessKeySecret: 'env-secret-91' });
    expect((await envClient.call('ListCustomConnectors', { namespace: 'default', workspace: 'ws' })).body.success).toBe(true);
    fromEnv.child.kill('SIGINT');
    expect(await fromEnv.exited).toBe(0);
    expect(fromEnv.output()).not.toContain('env-secret-91');

    const demo = await startCli([], cleanEnv());
    const demoClient = new RuntimeClient(demo.endpoint, { accessKeyId: DEMO_ACCESS_KEY_ID, accessKeySecret: DEMO_ACCESS_KEY_SECRET });
    expect((await demoClient.call('ListCustomConnectors', { namespace: 'default', workspace: 'ws' })).body.success).toBe(true);
    // The printed line works as printed: the bundled command line plans examples/ against it.
    const line = /^ {2}ALIBABA_CLOUD_ACCESS_KEY_ID=(\S+) ALIBABA_CLOUD_ACCESS_KEY_SECRET=(\S+) flink-connectors plan --endpoint (\S+)$/m.exec(demo.output());
    expect(line, demo.output()).not.toBeNull();
    const [, id = '', secret = '', endpoint = ''] = line ?? [];
    expect([id, secret]).toEqual([DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET]);
    const plan = await runCommand(ROOT, process.execPath, ['dist/cli.js', 'plan', '--endpoint', endpoint, '--root', 'examples', '--record', 'false'], cleanEnv({ ALIBABA_CLOUD_ACCESS_KEY_ID: id, ALIBABA_CLOUD_ACCESS_KEY_SECRET: secret }));
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/^Plan: \d+ to register/m);
    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(0);
  });

  it('exits with an error naming the problem for a bad catalog', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/emulator/cli.ts', '--port', '0', '--catalog', 'package.json'], { cwd: ROOT, env: cleanEnv() });
    children.push(child);
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(output).toContain('Invalid connector catalog package.json');
  });
});
