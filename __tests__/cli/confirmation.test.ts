/**
 * `flink-connectors apply` holds the apply to the changes that were confirmed, not to the plan's
 * warnings: an impact read that warned (a missing stream:ListDeployments, impact-scan-limit
 * reached) is no reason to refuse. Runs the bundled dist/cli.js.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../scripts/local-runner.js';
import { runCommand } from '../support/command.js';
import { liveConnector } from '../support/pr-helpers.js';
import { ACCESS_KEY_ID, ACCESS_KEY_SECRET, type World, WS, connectorYaml, worldPerTest } from '../support/world.js';

let world: World;
worldPerTest({}, (started) => (world = started));

const CLI = join(PROJECT_ROOT, 'dist', 'cli.js');

async function applyRedisDelete(namespace: string, extra: readonly string[] = []): Promise<{ code: number; text: string }> {
  await world.write({ 'connectors/redis.yaml': connectorYaml({ connector_name: 'redis-cache', state: 'absent' }) });
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ALIBABA_CLOUD_ACCESS_KEY_ID: ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET: ACCESS_KEY_SECRET };
  const args = [CLI, 'apply', '--yes', '--endpoint', world.emulator.url, '--workspace-id', WS, '--namespace', namespace, '--root', world.repo, '--timeout', '10s', ...extra];
  const ran = await runCommand(world.repo, process.execPath, args, env);
  return { code: ran.code, text: `${ran.stdout}\n${ran.stderr}` };
}

describe('flink-connectors apply --yes after an impact read that warned', () => {
  it('deletes when ListDeployments is refused (impact unknown)', async () => {
    world.emulator.seed(WS, 'ns-forbidden', [liveConnector({ name: 'redis-cache', sink: true })]);
    world.emulator.injectFault({ action: 'ListDeployments', kind: 'http', status: 403, code: 'Forbidden', message: 'User not authorized to operate on the specified resource.', times: Infinity });
    const ran = await applyRedisDelete('ns-forbidden');
    expect(ran.text).toContain('stream:ListDeployments');
    expect(ran.text).not.toContain('The plan changed after it was confirmed');
    expect(ran.code, ran.text).toBe(0);
    expect(world.emulator.connectors(WS, 'ns-forbidden')).toEqual([]);
  });

  it('deletes when the catalog scan stopped at impact-scan-limit', async () => {
    world.emulator.seed(WS, 'ns-scan', [liveConnector({ name: 'redis-cache', sink: true })]);
    world.emulator.seedUsage(WS, 'ns-scan', {
      tables: [
        { table: 'vvp.a.t1', connector: 'datagen' },
        { table: 'vvp.b.t2', connector: 'datagen' },
        { table: 'vvp.c.t3', connector: 'datagen' },
      ],
    });
    const ran = await applyRedisDelete('ns-scan', ['--impact-scan-limit', '1', '--parallelism', '1']);
    expect(ran.text).toContain('impact-scan-limit');
    expect(ran.text).not.toContain('The plan changed after it was confirmed');
    expect(ran.code, ran.text).toBe(0);
    expect(world.emulator.connectors(WS, 'ns-scan')).toEqual([]);
  });
});
