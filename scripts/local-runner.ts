/**
 * Runs the bundled action (`dist/index.js`) the way the GitHub runner does: inputs as INPUT_*
 * variables with the defaults of action.yml applied, the event payload in a file, and outputs and
 * the job summary written to files. Used by the end-to-end tests and by `npm run demo`.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as yaml from 'js-yaml';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The bundle to run; `FCA_BUNDLE` points elsewhere (e.g. a private build while dist/ is being rebuilt). */
export const BUNDLE = process.env.FCA_BUNDLE ? resolve(process.env.FCA_BUNDLE) : join(PROJECT_ROOT, 'dist', 'index.js');

export interface RunOptions {
  /** The repository checkout (GITHUB_WORKSPACE). */
  readonly workspace: string;
  /** Inputs by their action.yml name; omitted ones get the action.yml default. */
  readonly inputs: Readonly<Record<string, string>>;
  readonly eventName: string;
  readonly payload: Record<string, unknown>;
  /** GITHUB_API_URL, e.g. a local fake. */
  readonly apiUrl?: string;
  /** The value of `${{ github.token }}`. */
  readonly githubToken?: string;
  readonly sha?: string;
  readonly ref?: string;
  readonly repository?: string;
  /** Extra environment, e.g. credential-chain variables. */
  readonly env?: Readonly<Record<string, string>>;
  /** Kill the process after this long (a hang is a failure, not a stuck test). */
  readonly killAfterMs?: number;
  /** Kill the process when this aborts (a runner lost, or a job cancelled, at a chosen moment). */
  readonly signal?: AbortSignal;
}

export interface RunResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  /** Annotations printed as workflow commands (`::error file=...,line=...::message`). */
  readonly annotations: Annotation[];
}

export interface Annotation {
  readonly level: 'error' | 'warning' | 'notice';
  readonly file?: string;
  readonly line?: number;
  readonly message: string;
}

interface ActionYaml {
  inputs?: Record<string, { default?: string }>;
}

let actionDefaults: Promise<Record<string, string>> | undefined;

/** The defaults of action.yml, as the runner applies them. */
export function defaultInputs(): Promise<Record<string, string>> {
  actionDefaults ??= readFile(join(PROJECT_ROOT, 'action.yml'), 'utf8').then((text) => {
    const doc = yaml.load(text) as ActionYaml;
    return Object.fromEntries(
      Object.entries(doc.inputs ?? {})
        .filter(([, spec]) => spec.default !== undefined)
        .map(([name, spec]) => [name, String(spec.default)]),
    );
  });
  return actionDefaults;
}

/** Parses the GITHUB_OUTPUT file format (`name<<DELIMITER ... DELIMITER`). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^<=]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = '', delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
      out[name] = value.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      out[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return out;
}

function unescapeCommand(value: string): string {
  return value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}

/** Reads the `::error file=..,line=..::message` commands from the log. */
export function parseAnnotations(stdout: string): Annotation[] {
  const found: Annotation[] = [];
  for (const match of stdout.matchAll(/^::(error|warning|notice)( [^:]*)?::(.*)$/gm)) {
    const props = Object.fromEntries(
      (match[2] ?? '')
        .trim()
        .split(',')
        .filter(Boolean)
        .map((pair) => {
          const at = pair.indexOf('=');
          return [pair.slice(0, at), unescapeCommand(pair.slice(at + 1))];
        }),
    );
    found.push({
      level: match[1] as Annotation['level'],
      file: props.file,
      line: props.line ? Number(props.line) : undefined,
      message: unescapeCommand(match[3] ?? ''),
    });
  }
  return found;
}

/** Runs `node dist/index.js` asynchronously (a server in this process must stay able to answer). */
export async function runAction(options: RunOptions): Promise<RunResult> {
  const scratch = await mkdtemp(join(tmpdir(), 'fca-run-'));
  const eventPath = join(scratch, 'event.json');
  const outputPath = join(scratch, 'output');
  const summaryPath = join(scratch, 'summary.md');
  await Promise.all([writeFile(eventPath, JSON.stringify(options.payload)), writeFile(outputPath, ''), writeFile(summaryPath, '')]);

  const inputs = { ...(await defaultInputs()), ...options.inputs };
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(INPUT_|GITHUB_|ALIBABA_CLOUD_|ALICLOUD_|ACTIONS_|RUNNER_)/.test(key)) continue;
    env[key] = value;
  }
  for (const [name, value] of Object.entries(inputs)) {
    env[`INPUT_${name.toUpperCase()}`] = value.replace('${{ github.token }}', options.githubToken ?? '');
  }
  Object.assign(env, {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_REPOSITORY: options.repository ?? 'acme/pipelines',
    GITHUB_SHA: options.sha ?? '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: options.ref ?? 'refs/heads/main',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    RUNNER_TEMP: scratch,
    // The credential chain reads profiles under HOME and asks the instance metadata service: keep
    // the machine's own profiles out, and never leave 127.0.0.1. Tests may set either.
    HOME: scratch,
    ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
    // The suite starts the same 1.6 MB bundle a few hundred times: on Node 22+ the parse and compile
    // are cached on disk (keyed by the code's hash, written atomically); Node 20 ignores the variable.
    NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? join(tmpdir(), 'fca-node-compile-cache'),
    ...(options.apiUrl ? { GITHUB_API_URL: options.apiUrl } : {}),
    ...options.env,
  });

  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BUNDLE], { cwd: options.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 120_000);
    const kill = (): void => void child.kill('SIGKILL');
    options.signal?.addEventListener('abort', kill, { once: true });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      options.signal?.removeEventListener('abort', kill);
      void (async () => {
        const text = Buffer.concat(stdout).toString('utf8');
        resolvePromise({
          exitCode: code ?? (signal ? 128 : 1),
          stdout: text,
          stderr: Buffer.concat(stderr).toString('utf8'),
          outputs: parseOutputFile(await readFile(outputPath, 'utf8')),
          summary: await readFile(summaryPath, 'utf8'),
          annotations: parseAnnotations(text),
        });
      })().catch(reject);
    });
  });
}
