/**
 * The action's inputs, read from action.yml: the one table the command line's options come from,
 * so an input added to the action is an option of the command line with no second edit.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as yaml from 'js-yaml';

export interface InputSpec {
  readonly name: string;
  readonly description: string;
  /** The default the runner would pass; undefined when action.yml has none or it is an expression. */
  readonly default?: string;
  /** `"true"`/`"false"` defaults: the option may be given alone (`--prune`). */
  readonly boolean: boolean;
}

/**
 * Inputs the command line takes another way: `command` is the subcommand; the token comes from
 * GITHUB_TOKEN/GH_TOKEN and the keys from the Alibaba Cloud credential chain, never from argv (where
 * any process can read them); `comment` needs a pull request, which a terminal run has not.
 */
export const NOT_OPTIONS: ReadonlySet<string> = new Set(['command', 'github-token', 'access-key-id', 'access-key-secret', 'security-token', 'comment']);

/** Keyless sign-in trades the job's GitHub ID token: only a workflow job with `id-token: write` has one. */
const OIDC = new Set(['role-arn', 'oidc-provider-arn', 'role-session-name', 'audience', 'sts-endpoint']);

/**
 * Inputs that mean something only to some commands: the drift check (`command: check`) is the
 * action's alone, `export-path` is where export writes, and apply allows itself to be unreviewed
 * once the terminal confirmed the plan.
 */
const ONLY_FOR: Readonly<Record<string, readonly string[]>> = {
  'drift-issue': [],
  'fail-on-drift': [],
  'export-path': ['export'],
  'allow-unreviewed-changes': [],
};

/** Whether `command` offers the input as an option, in this environment. */
export function offers(command: string, name: string, env: NodeJS.ProcessEnv): boolean {
  if (NOT_OPTIONS.has(name)) return false;
  if (OIDC.has(name)) return !!env.ACTIONS_ID_TOKEN_REQUEST_URL;
  return ONLY_FOR[name]?.includes(command) ?? true;
}

/** The package's own version, from the package.json beside action.yml. */
export function packageVersion(): string {
  const file = join(dirname(actionYmlPath()), 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
}

/** action.yml, found from this module upwards: `dist/cli.js` and `src/cli/inputs.ts` both reach the package root. */
export function actionYmlPath(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'action.yml');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`action.yml not found above ${from}: the package is incomplete`);
  }
}

export function parseInputs(actionYml: string): InputSpec[] {
  const doc = yaml.load(actionYml) as { inputs?: Record<string, { description?: string; default?: unknown }> };
  return Object.entries(doc.inputs ?? {}).map(([name, spec]) => {
    const raw = spec.default === undefined || spec.default === null ? undefined : String(spec.default);
    const fallback = raw === undefined || raw.includes('${{') ? undefined : raw.replace(/\n$/, '');
    return { name, description: (spec.description ?? '').trim(), default: fallback, boolean: fallback === 'true' || fallback === 'false' };
  });
}

export function readInputs(path = actionYmlPath()): InputSpec[] {
  return parseInputs(readFileSync(path, 'utf8'));
}

/** `workspace-id` -> `workspaceId`, the key commander stores an option under. */
export function optionKey(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
