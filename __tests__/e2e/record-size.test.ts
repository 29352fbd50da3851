/** The record stays within what GitHub keeps in a deployment payload, or is refused whole. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consoleConnector, explain, planLineOf, recordDeployments, recordLineOf, recordedConnectors, sha } from '../support/record.js';
import { JARS, NS, WS, type World, startWorld } from '../support/world.js';

const names = (count: number): string[] => Array.from({ length: count }, (_, i) => `conn-${String(i).padStart(3, '0')}`);

/** `count` connectors made in the console, declared with `extra` fields, so the apply adopts them all. */
async function declareLive(world: World, count: number, extra: (name: string) => string): Promise<void> {
  world.emulator.seed(WS, NS, await Promise.all(names(count).map((name) => consoleConnector(JARS.http, { name, type: name }))));
  const files: Record<string, string> = {};
  for (const name of names(count)) files[`connectors/${name}.yaml`] = `connector_name: ${name}\nconnector_type: ${name}\n${extra(name)}`;
  await world.write(files);
}

describe('the record of applied connectors and GitHub’s payload limit', () => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  it('stores long descriptions shortened with a hash, so the record fits and plans back to No changes.', async () => {
    const long = (name: string): string => `${name} `.repeat(4000 / (name.length + 1));
    await declareLive(world, 30, (name) => `jar_url: ${JARS.http}\ndescription: ${long(name)}\n`);
    const apply = await world.apply({ sha: sha('1') });
    expect(apply.exitCode, explain(apply)).toBe(0);
    const recorded = recordedConnectors(world);
    expect(Object.keys(recorded)).toHaveLength(30);
    const description = recorded['conn-000']?.description ?? '';
    expect(description.startsWith('conn-000 conn-000')).toBe(true);
    expect(description).toMatch(/… \[sha256:[0-9a-f]{16}\]$/);
    expect(description.length).toBeLessThan(250);

    const again = await world.plan();
    expect(planLineOf(again)).toBe('No changes.');
    expect(recordLineOf(again)).toBeUndefined();

    // A change past the shortened start is still a change.
    await world.write({ 'connectors/conn-001.yaml': `connector_name: conn-001\nconnector_type: conn-001\njar_url: ${JARS.http}\ndescription: ${long('conn-001')}changed\n` });
    expect(recordLineOf(await world.plan())).toBe('Record: 0 to adopt, 1 to update.');
  });

  it('refuses a record GitHub would not keep with a clear error, and writes none of it', async () => {
    const longJar = (name: string): string => `https://artifacts.example.com/${'deep/'.repeat(380)}${name}.jar`;
    await declareLive(world, 40, (name) => `jar_url: ${longJar(name)}\n`);
    const apply = await world.apply({ sha: sha('2') });
    expect(apply.exitCode).toBe(1);
    expect(apply.outputs.result).toBe('failed');
    expect(apply.stdout + apply.stderr).toMatch(/the record of ws-e2e\/default \(40 connectors\) would be \d+ characters, over GitHub's limit of 65535 for a deployment payload, so it was not written/);
    expect(recordDeployments(world)).toEqual([]);
  });
});
