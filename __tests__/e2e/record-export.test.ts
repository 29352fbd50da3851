import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import * as yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from '../../src/definitions/validate.js';
import { PROJECT_ROOT } from '../../scripts/local-runner.js';
import { consoleConnector, explain, liveNames, planLineOf, recordDeployments, recordLineOf, recordedConnectors, sha } from '../support/record.js';
import { JARS, NS, OWNER, REPO, WS, type World, connectorYaml, startWorld } from '../support/world.js';

const EXPORT_DIR = `connectors/exported/${WS}/${NS}`;
const ALL = ['http-lookup', 'kafka-orders', 'mysql-cdc', 'pulsar-events', 's3-archive'];

/** One job key throughout, so the record stays this job's while its definitions move. */
const KEY = 'connectors';

describe('export writes valid definitions that plan back to No changes.', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld();
    // Two connectors applied by the action (their JARs are on record), three made in the console.
    await world.write({
      'connectors/kafka.yaml': connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1, description: 'Orders stream' }),
      'connectors/mysql.yaml': connectorYaml({ connector_name: 'mysql-cdc', connector_type: 'mysql-cdc', jar_url: JARS.mysql }),
    });
    const run = await world.apply({ sha: sha('1'), inputs: { 'comment-key': KEY } });
    if (run.exitCode !== 0) throw new Error(explain(run));
    world.emulator.seed(WS, NS, [await consoleConnector(JARS.http), await consoleConnector(JARS.s3), await consoleConnector(JARS.pulsar)]);
  });

  afterAll(async () => {
    await world.close();
  });

  it('writes one schema-valid file per live connector, and a summary table', async () => {
    const deployments = recordDeployments(world).length;
    world.emulator.resetStats();
    // Exported where no definition exists yet (the usual start), under the same job key so the record is read.
    const run = await world.plan({
      inputs: { command: 'export', 'comment-key': KEY, definitions: 'connectors/exported/**/*.yaml' },
      env: { GITHUB_ACTION_REPOSITORY: 'acme-forks/flink-connector-action', GITHUB_ACTION_REF: 'v1.2.0' },
    });
    expect(run.exitCode, explain(run)).toBe(0);
    expect(run.outputs.result).toBe('no-op');
    expect(world.emulator.stats().calls).toEqual({ ListCustomConnectors: 1 });
    expect(liveNames(world)).toEqual(ALL);
    expect(recordDeployments(world)).toHaveLength(deployments);

    const names = (await readdir(join(world.repo, EXPORT_DIR))).sort();
    expect(names).toEqual(ALL.map((n) => `${n}.yaml`));

    const schema = JSON.parse(await readFile(join(PROJECT_ROOT, 'schema/connector-definitions.schema.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(schema);
    const files = await Promise.all(names.map(async (n) => ({ path: `${EXPORT_DIR}/${n}`, content: await readFile(join(world.repo, EXPORT_DIR, n), 'utf8') })));
    for (const f of files) {
      expect(validate(yaml.load(f.content)), `${f.path}: ${JSON.stringify(validate.errors)}`).toBe(true);
      // The schema of the release the workflow runs, not of an owner the user never chose.
      expect(f.content.split('\n')[0]).toBe('# yaml-language-server: $schema=https://raw.githubusercontent.com/acme-forks/flink-connector-action/v1.2.0/schema/connector-definitions.schema.json');
    }
    const loaded = loadDefinitions(files, {});
    expect(loaded.errors).toEqual([]);
    expect(loaded.connectors.map((c) => [c.name, c.target.workspaceId, c.target.namespace])).toEqual(ALL.map((n) => [n, WS, NS]));

    const byName = new Map(loaded.connectors.map((c) => [c.name, c]));
    expect(byName.get('kafka-orders')).toMatchObject({ jarUrl: JARS.kafkaV1, description: 'Orders stream', source: true, sink: true, supportedFormats: ['avro', 'json'] });
    expect(byName.get('mysql-cdc')).toMatchObject({ jarUrl: JARS.mysql, dependencies: ['oss://flink-artifacts/deps/mysql-driver-8.0.33.jar'] });
    expect(byName.get('http-lookup')?.jarUrl).toBe('oss://jar-url-unknown/http-lookup.jar');
    expect(files.find((f) => f.path.endsWith('/http-lookup.yaml'))?.content).toContain('# jar_url: the API does not say which JAR');

    expect(run.summary).toContain('5 connector(s) exported to `connectors/exported/`');
    for (const n of ALL) expect(run.summary).toContain(`\`${EXPORT_DIR}/${n}.yaml\``);
    expect(run.summary.match(/placeholder: set it/g)).toHaveLength(3);
    expect(run.summary.match(/from the record/g)).toHaveLength(2);
  });

  it('the exported files plan back to No changes. (adopting the console connectors into the record)', async () => {
    const inputs = { definitions: 'connectors/exported/**/*.yaml', 'comment-key': KEY };
    const plan = await world.plan({ inputs });
    expect(plan.exitCode, explain(plan)).toBe(0);
    expect(planLineOf(plan)).toBe('No changes.');
    expect(recordLineOf(plan)).toBe('Record: 3 to adopt, 0 to update.');
    expect(plan.stdout).toContain('= 2 unchanged: kafka-orders, mysql-cdc');
    expect(plan.stdout).not.toContain('unmanaged');

    world.emulator.resetStats();
    const apply = await world.apply({ sha: sha('2'), inputs });
    expect(apply.exitCode, explain(apply)).toBe(0);
    expect(world.emulator.stats().calls).toEqual({ ListCustomConnectors: 1 });
    expect(Object.keys(recordedConnectors(world)).sort()).toEqual(ALL);

    const again = await world.plan({ inputs });
    expect(planLineOf(again)).toBe('No changes.');
    expect(recordLineOf(again)).toBeUndefined();
  });

  it('filling in a placeholder jar_url records it as declared, with no API call and no replace', async () => {
    const inputs = { definitions: 'connectors/exported/**/*.yaml', 'comment-key': KEY };
    const path = `${EXPORT_DIR}/http-lookup.yaml`;
    const exported = await readFile(join(world.repo, path), 'utf8');
    await world.write({ [path]: exported.replace('oss://jar-url-unknown/http-lookup.jar', JARS.http) });

    const plan = await world.plan({ inputs });
    expect(plan.exitCode, explain(plan)).toBe(0);
    expect(planLineOf(plan)).toBe('No changes.');
    expect(recordLineOf(plan)).toBe('Record: 0 to adopt, 1 to update.');
    expect(plan.stdout).toContain('the JAR is now recorded as declared and was not re-registered');
    // The pull request's comment says it too, on a record-only (`~`) row.
    const comment = world.github.comments(OWNER, REPO, 7).at(-1)?.body ?? '';
    expect(comment).toMatch(/\| update \| http-lookup \|.*the JAR is now recorded as declared and was not re-registered/);

    world.emulator.resetStats();
    const apply = await world.apply({ sha: sha('3'), inputs });
    expect(apply.exitCode, explain(apply)).toBe(0);
    expect(world.emulator.stats().calls).toEqual({ ListCustomConnectors: 1 });
    expect(recordedConnectors(world)['http-lookup']?.jarUrl).toBe(JARS.http);
    expect(planLineOf(await world.plan({ inputs }))).toBe('No changes.');
  });

  it('`adopt: replace` still forces a placeholder-recorded connector to be registered again', async () => {
    const inputs = { definitions: 'connectors/exported/**/*.yaml', 'comment-key': KEY };
    const path = `${EXPORT_DIR}/s3-archive.yaml`;
    const exported = await readFile(join(world.repo, path), 'utf8');
    await world.write({ [path]: `${exported.replace('oss://jar-url-unknown/s3-archive.jar', JARS.s3)}adopt: replace\n` });
    const plan = await world.plan({ inputs });
    expect(plan.exitCode, explain(plan)).toBe(0);
    expect(planLineOf(plan)).toBe('Plan: 0 to register, 1 to replace, 0 to delete.');
  });

  it('says so in the log and the summary when nothing new is exported', async () => {
    // Every live connector is declared by now.
    const run = await world.plan({ inputs: { command: 'export', 'comment-key': KEY, definitions: 'connectors/exported/**/*.yaml' } });
    expect(run.exitCode, explain(run)).toBe(0);
    expect(run.stdout).toContain('Nothing new to export: every live connector in ws-e2e/default is already declared.');
    expect(run.summary).toContain('Nothing new to export: every live connector in ws-e2e/default is already declared.');
    expect(run.summary).not.toContain('| Target | Connector |');
  });
});

describe('export points at the repository’s own copy of the schema when it has one', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
    world.emulator.seed(WS, NS, [await consoleConnector(JARS.http)]);
  });
  afterAll(async () => {
    await world.close();
  });

  it('writes a relative path to the copy', async () => {
    await world.write({ 'schema/connector-definitions.schema.json': await readFile(join(PROJECT_ROOT, 'schema/connector-definitions.schema.json'), 'utf8') });
    const run = await world.plan({
      inputs: { command: 'export' },
      env: { GITHUB_ACTION_REPOSITORY: 'acme-forks/flink-connector-action', GITHUB_ACTION_REF: 'v1.2.0' },
    });
    expect(run.exitCode, explain(run)).toBe(0);
    const content = await readFile(join(world.repo, EXPORT_DIR, 'http-lookup.yaml'), 'utf8');
    expect(content.split('\n')[0]).toBe('# yaml-language-server: $schema=../../../../schema/connector-definitions.schema.json');
  });
});
