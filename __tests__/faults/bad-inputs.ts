/**
 * The bad inputs the suite tries through the bundle: a representative subset of the definition
 * cases (all of which run in-process in __tests__/definitions), every refused-file case, and the
 * action-input cases. Also the markdown table of docs/reliability.md, generated from this data.
 */
import { BAD_CASES, type BadCase, FILE_CASES, type FileCase } from '../definitions/bad-cases.js';

/** The definition cases run end to end; the names must exist in BAD_CASES. */
export const E2E_DEFINITION_CASE_NAMES: readonly string[] = [
  'YAML: bad indentation',
  'YAML: tab indentation',
  'YAML: unclosed quote',
  'type: connector_name is a number',
  'type: source is `yes`',
  'type: supported_formats is a string',
  'unknown key: conector_type',
  'unknown key: nothing close',
  'unknown key at file level: typo',
  'duplicate key in a connector',
  'alias bomb',
  'recursive alias',
  'custom tag',
  'missing connector_name',
  'bad state',
  'name with a space',
  'name too long',
  'jar_url: ftp',
  'jar_url: user and password',
  'jar_url: OSS access key',
  'dependencies: credentials',
  'top-level list',
  '`connectors` is a mapping',
];

export function e2eDefinitionCases(): BadCase[] {
  return E2E_DEFINITION_CASE_NAMES.map((name) => {
    const found = BAD_CASES.find((c) => c.name === name);
    if (!found) throw new Error(`no definition case named ${JSON.stringify(name)} in __tests__/definitions/bad-cases.ts`);
    return found;
  });
}

/** A valid definition, present in every input case so only the input is wrong. */
export const VALID_DEFINITION = 'connector_name: kafka-orders\nconnector_type: kafka-orders\njar_url: oss://flink-artifacts/connectors/kafka-orders-1.0.0.jar\n';

export interface InputCase {
  readonly name: string;
  /** Inputs set on top of the world's (endpoint, keys, workspace, namespace). */
  readonly inputs: Readonly<Record<string, string>>;
  /** A fragment the `Invalid input` error must contain. */
  readonly message: string;
  /** Text that must appear nowhere in what the action writes. */
  readonly secret?: string;
}

export const INPUT_CASES: readonly InputCase[] = [
  { name: 'timeout: banana', inputs: { timeout: 'banana' }, message: 'Input `timeout` must be a duration such as 90s, 10m or 1h, got "banana".' },
  { name: 'request-timeout: 0s', inputs: { 'request-timeout': '0s' }, message: 'Input `request-timeout` must be a duration' },
  { name: 'parallelism: 0', inputs: { parallelism: '0' }, message: 'Input `parallelism` must be a whole number from 1 to 64, got "0".' },
  { name: 'parallelism: 2.5', inputs: { parallelism: '2.5' }, message: 'Input `parallelism` must be a whole number from 1 to 64, got "2.5".' },
  { name: 'max-retries: -1', inputs: { 'max-retries': '-1' }, message: 'Input `max-retries` must be a whole number from 0 to 10, got "-1".' },
  { name: 'max-retries: 11', inputs: { 'max-retries': '11' }, message: 'Input `max-retries` must be a whole number from 0 to 10, got "11".' },
  { name: 'unknown command', inputs: { command: 'destroy' }, message: 'Input `command` must be one of auto, plan, apply, export, check, got "destroy".' },
  { name: 'prune: maybe', inputs: { prune: 'maybe' }, message: 'Input `prune` must be true or false, got "maybe".' },
  { name: 'comment: sometimes', inputs: { comment: 'sometimes' }, message: 'Input `comment` must be true or false, got "sometimes".' },
  { name: 'allow-unreviewed-changes: y', inputs: { 'allow-unreviewed-changes': 'y' }, message: 'Input `allow-unreviewed-changes` must be true or false, got "y".' },
  { name: 'endpoint: ftp://x', inputs: { endpoint: 'ftp://x' }, message: 'Input `endpoint` must use http or https, got "ftp:".' },
  { name: 'endpoint with a path', inputs: { endpoint: 'https://ververica.example.com/api' }, message: 'Input `endpoint` must be a host without a path' },
  {
    name: 'endpoint with credentials',
    inputs: { endpoint: 'https://admin:endpoint-Pw-778899@ververica.example.com' },
    message: 'Input `endpoint` must not contain credentials.',
    secret: 'endpoint-Pw-778899',
  },
  { name: 'region-id: CN Hangzhou', inputs: { 'region-id': 'CN Hangzhou' }, message: 'Input `region-id` is not a region ID: "CN Hangzhou".' },
  { name: 'access-key-id without secret', inputs: { 'access-key-secret': '' }, message: 'Inputs `access-key-id` and `access-key-secret` go together' },
  {
    name: 'security-token without a key pair',
    inputs: { 'access-key-id': '', 'access-key-secret': '', 'security-token': 'CAIS-lonely-token-55aa66bb' },
    message: 'Input `security-token` needs `access-key-id` and `access-key-secret`.',
    secret: 'CAIS-lonely-token-55aa66bb',
  },
  { name: 'role-arn without oidc-provider-arn', inputs: { 'access-key-id': '', 'access-key-secret': '', 'role-arn': 'acs:ram::1234567890123456:role/deploy' }, message: 'Inputs `role-arn` and `oidc-provider-arn` go together for keyless sign-in' },
  {
    name: 'access keys and role-arn together',
    inputs: { 'role-arn': 'acs:ram::1234567890123456:role/deploy', 'oidc-provider-arn': 'acs:ram::1234567890123456:oidc-provider/github' },
    message: 'Use either `access-key-id`/`access-key-secret` or `role-arn`/`oidc-provider-arn`, not both.',
  },
  { name: 'export-path: ../x', inputs: { 'export-path': '../x' }, message: 'Input `export-path` must be a relative path inside the repository, got "../x".' },
  { name: 'export-path: absolute', inputs: { 'export-path': '/etc/connectors' }, message: 'Input `export-path` must be a relative path inside the repository' },
  { name: 'workspace-id: ws 1', inputs: { 'workspace-id': 'ws 1' }, message: 'Input `workspace-id` may hold only letters, digits' },
  { name: 'namespace: a/b', inputs: { namespace: 'a/b' }, message: 'Input `namespace` may hold only letters, digits' },
];

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The bad-input table of docs/reliability.md: every case, where it runs, what the user reads. */
export function badInputTable(): string {
  const e2e = new Set(E2E_DEFINITION_CASE_NAMES);
  const rows: string[] = [];
  const add = (kind: string, c: { name: string; message: string }, where: string, at: string): void => {
    rows.push(`| ${rows.length + 1} | ${kind} | ${cell(c.name)} | ${where} | ${cell(at)} | ${cell(c.message)} |`);
  };
  for (const c of BAD_CASES) add('definition', c, e2e.has(c.name) ? 'bundle + in-process' : 'in-process', `${c.file}:${c.line}`);
  for (const c of FILE_CASES as readonly FileCase[]) add('file', c, 'bundle + in-process', `${c.file}:${c.line}`);
  for (const c of INPUT_CASES) add('input', c, 'bundle', `\`${Object.entries(c.inputs).map(([k, v]) => `${k}: ${v === '' ? '(empty)' : v}`).join(', ')}\``);
  return [
    '| # | kind | case | run through | annotated at / inputs | message (fragment) |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** How many distinct bad inputs the table lists. */
export function badInputCount(): number {
  return BAD_CASES.length + FILE_CASES.length + INPUT_CASES.length;
}
