/** Paper cuts a new user meets in the first hour, through the bundle. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCESS_KEY_ID, ACCESS_KEY_SECRET, connectorYaml, JARS, type World, worldPerTest } from '../support/world.js';

let world: World;
worldPerTest({}, (started) => (world = started));

describe('the invalid-definitions summary', () => {
  it('shows the names a message quotes as code, not as `&#96;`', async () => {
    await world.write({ 'connectors/c.yaml': 'connector_name: kafka\nconector_type: kafka\njar_url: oss://b/k.jar\n' });
    const run = await world.plan();
    expect(run.exitCode).toBe(1);
    expect(run.summary).toContain('unknown key `conector_type`; did you mean `connector_type`?');
    expect(run.summary).not.toContain('&#96;');
  });

  it('stays within GitHub’s 1 MiB and says how many errors are not listed', async () => {
    // At most 50 errors are listed per file, so 12,000 take 300 files of 40.
    const items = Array.from({ length: 40 }, (_, i) => `  - item-${i}\n`).join('');
    await world.write(Object.fromEntries(Array.from({ length: 300 }, (_, f) => [`connectors/many-${String(f).padStart(3, '0')}.yaml`, `connectors:\n${items}`])));
    const run = await world.plan();
    expect(run.exitCode).toBe(1);
    expect(run.summary).toContain('12000 problems found');
    expect(Buffer.byteLength(run.summary, 'utf8')).toBeLessThanOrEqual(1_048_576);
    const shown = run.summary.split('\n').filter((l) => l.startsWith('- `connectors/many-')).length;
    expect(shown).toBeGreaterThan(1_000);
    expect(run.summary).toContain(`- … and ${12_000 - shown} more`);
  });
});

describe('a same-repository pull request with credentials only the standard chain finds', () => {
  let home: string;
  const NO_KEYS = { 'access-key-id': '', 'access-key-secret': '' };
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'fca-home-'));
    await world.write({ 'connectors/c.yaml': connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1 }) });
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('plans with a profile in ~/.alibabacloud/credentials', async () => {
    await mkdir(join(home, '.alibabacloud'));
    await writeFile(join(home, '.alibabacloud', 'credentials'), `[default]\ntype = access_key\naccess_key_id = ${ACCESS_KEY_ID}\naccess_key_secret = ${ACCESS_KEY_SECRET}\n`);
    const run = await world.plan({ inputs: NO_KEYS, env: { HOME: home } });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.result).toBe('planned');
    expect(run.stdout).toContain('Plan: 1 to register, 0 to replace, 0 to delete.');
    expect(world.emulator.stats().calls).toEqual({ ListCustomConnectors: 1 });
    expect(run.stdout + run.stderr + run.summary).not.toContain(ACCESS_KEY_SECRET);
  });

  it('plans with a profile in ~/.aliyun/config.json', async () => {
    await mkdir(join(home, '.aliyun'));
    const profile = { name: 'default', mode: 'AK', access_key_id: ACCESS_KEY_ID, access_key_secret: ACCESS_KEY_SECRET, region_id: 'cn-hangzhou' };
    await writeFile(join(home, '.aliyun', 'config.json'), JSON.stringify({ current: 'default', profiles: [profile] }));
    const run = await world.plan({ inputs: NO_KEYS, env: { HOME: home } });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.result).toBe('planned');
    expect(world.emulator.stats().calls).toEqual({ ListCustomConnectors: 1 });
  });

  it('fails when the chain finds nothing, before any call, naming the inputs and quoting the chain', async () => {
    const run = await world.plan({ inputs: NO_KEYS, env: { HOME: home } });
    expect(run.exitCode, run.stdout).toBe(1);
    expect(run.outputs.result).toBe('failed');
    expect(run.summary).toContain('No Alibaba Cloud credentials were found, so nothing was sent to the API.');
    expect(run.summary).toContain(`${home}/.alibabacloud/credentials`);
    expect(run.annotations).toContainEqual(expect.objectContaining({ level: 'error', message: expect.stringContaining('set the inputs `access-key-id` and `access-key-secret`') }));
    expect(world.emulator.stats().total).toBe(0);
  });

  it('reports a broken profile as the chain’s failure', async () => {
    await mkdir(join(home, '.alibabacloud'));
    await writeFile(join(home, '.alibabacloud', 'credentials'), '[default]\ntype = magic\n');
    const run = await world.plan({ inputs: NO_KEYS, env: { HOME: home } });
    expect(run.outputs.result).toBe('failed');
    expect(run.summary).toContain('Invalid type option');
    expect(world.emulator.stats().total).toBe(0);
  });
});

describe('the log of a plan under --pending-deprecation (what Node 24 prints by default)', () => {
  it('carries no url.parse() deprecation (DEP0169) from the API runtime', async () => {
    await world.write({ 'connectors/c.yaml': connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1 }) });
    const run = await world.plan({ env: { NODE_OPTIONS: '--pending-deprecation' } });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(world.emulator.stats().calls).toEqual({ ListCustomConnectors: 1 });
    expect(run.stdout + run.stderr).not.toContain('DEP0169');
    expect(run.stdout + run.stderr).not.toContain('url.parse()');
  });
});
