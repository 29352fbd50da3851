/**
 * Runs the workspace emulator as a process, for the demo and the benchmark:
 *
 *   node --import tsx src/emulator/cli.ts --port 8787 --catalog __fixtures__/catalog/catalog.yaml \
 *     [--host 127.0.0.1] [--access-key-id ID --access-key-secret SECRET] [--security-token TOKEN] \
 *     [--latency-ms N] [--visibility-delay-ms N]
 *
 * Credentials default to ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET
 * (and ALIBABA_CLOUD_SECURITY_TOKEN), else the demo pair of demo-credentials.ts.
 * Prints `endpoint: HOST:PORT` once listening (with --port 0 the port is chosen
 * by the system), and with the demo key the command line to plan against it; then
 * runs until SIGINT or SIGTERM.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CatalogError, loadCatalogFile } from './catalog.js';
import { DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET } from './demo-credentials.js';
import { startEmulator, type EmulatorOptions } from './server.js';

const DEFAULT_CATALOG = fileURLToPath(new URL('../../__fixtures__/catalog/catalog.yaml', import.meta.url));

const USAGE = `Usage: node --import tsx src/emulator/cli.ts [options]
  --port N                 port to listen on (default 8787; 0 = any free port)
  --host HOST              interface to listen on (default 127.0.0.1)
  --catalog FILE           JAR catalog, YAML or JSON, see docs/catalog.md (default __fixtures__/catalog/catalog.yaml)
  --access-key-id ID       AccessKeyId to accept (default: env ALIBABA_CLOUD_ACCESS_KEY_ID, else a demo key)
  --access-key-secret S    its secret (default: env ALIBABA_CLOUD_ACCESS_KEY_SECRET)
  --security-token T       require this STS token with the key (default: env ALIBABA_CLOUD_SECURITY_TOKEN)
  --latency-ms N           delay added to every API call (default 0)
  --visibility-delay-ms N  delay before a registered connector shows in list results (default 0)
  --help                   show this help`;

interface CliSettings {
  readonly options: EmulatorOptions;
  readonly catalogPath: string;
  readonly demoKey: boolean;
}

async function readSettings(argv: string[], env: NodeJS.ProcessEnv): Promise<CliSettings | undefined> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      catalog: { type: 'string', default: DEFAULT_CATALOG },
      'access-key-id': { type: 'string' },
      'access-key-secret': { type: 'string' },
      'security-token': { type: 'string' },
      'latency-ms': { type: 'string', default: '0' },
      'visibility-delay-ms': { type: 'string', default: '0' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return undefined;

  let accessKeyId = values['access-key-id'] ?? env.ALIBABA_CLOUD_ACCESS_KEY_ID;
  let accessKeySecret = values['access-key-secret'] ?? env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  const securityToken = values['security-token'] ?? env.ALIBABA_CLOUD_SECURITY_TOKEN;
  const demoKey = accessKeyId === undefined && accessKeySecret === undefined;
  if (demoKey) {
    accessKeyId = DEMO_ACCESS_KEY_ID;
    accessKeySecret = DEMO_ACCESS_KEY_SECRET;
  }
  if (!accessKeyId || !accessKeySecret) {
    throw new Error('Give both an AccessKeyId and an AccessKeySecret (flags or ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET), or neither for the demo key.');
  }

  const { catalog, tables, usage } = await loadCatalogFile(values.catalog);
  return {
    catalogPath: values.catalog,
    demoKey,
    options: {
      host: values.host,
      port: integerFlag('port', values.port),
      accessKeys: { [accessKeyId]: accessKeySecret },
      securityTokens: securityToken ? { [accessKeyId]: securityToken } : undefined,
      catalog,
      tables,
      usage,
      latencyMs: integerFlag('latency-ms', values['latency-ms']),
      visibilityDelayMs: integerFlag('visibility-delay-ms', values['visibility-delay-ms']),
    },
  };
}

function integerFlag(name: string, value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number)) throw new Error(`--${name} must be a non-negative integer, got '${value}'`);
  return number;
}

async function main(): Promise<void> {
  const settings = await readSettings(process.argv.slice(2), process.env);
  if (settings === undefined) {
    console.log(USAGE);
    return;
  }
  const emulator = await startEmulator(settings.options);
  const [accessKeyId] = Object.keys(settings.options.accessKeys);
  console.log(`Ververica connector API emulator listening on ${emulator.url}`);
  console.log(`endpoint: ${emulator.endpoint}`);
  console.log(`catalog: ${settings.catalogPath} (${Object.keys(settings.options.catalog).length} JARs)`);
  if (settings.demoKey) {
    // The demo pair opens nothing but this emulator, so it is printed whole: one copy-paste to use it.
    console.log(`demo credentials: AccessKeyId ${accessKeyId}, AccessKeySecret ${DEMO_ACCESS_KEY_SECRET} (valid only here)`);
    console.log('  (pass --access-key-id/--access-key-secret or set ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET to use your own pair)');
    console.log('the command line against it:');
    console.log(`  ALIBABA_CLOUD_ACCESS_KEY_ID=${accessKeyId} ALIBABA_CLOUD_ACCESS_KEY_SECRET=${DEMO_ACCESS_KEY_SECRET} flink-connectors plan --endpoint ${emulator.url}`);
  } else {
    console.log(`accepting AccessKeyId ${accessKeyId}`);
  }
  console.log(`control endpoints: ${emulator.url}/__emulator/{stats,state,faults,seed,usage,config}`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received, closing`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`emulator: ${error instanceof Error ? error.message : String(error)}`);
  // Bad flags deserve the usage text; a bad catalog already says what to fix.
  if (!(error instanceof CatalogError) && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) console.error(USAGE);
  process.exitCode = 1;
});
