/**
 * `flink-connectors`: the action's pipeline from a terminal. Each command builds `Settings` from
 * its options through the action's own validation and runs `run()` with a terminal Reporter.
 */
import * as path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Command as Program, CommanderError, Option } from 'commander';
import { run } from '../main.js';
import { loadDesired } from '../pipeline/load.js';
import { runContext } from '../pipeline/run-context.js';
import { scrub } from '../secrets.js';
import { type Command, InputError, type Settings } from '../settings.js';
import { realDependencies } from '../start.js';
import { type InputSpec, offers, packageVersion, readInputs } from './inputs.js';
import { type SettingsFor, runSandbox } from './sandbox.js';
import { type CliRun, cliSettings, rootOf } from './settings.js';
import { inOptionTerms } from './wording.js';
import { type TerminalReporter, type TerminalStream, terminalReporter } from './terminal-reporter.js';

export interface Io {
  readonly stdout: TerminalStream;
  readonly stderr: TerminalStream;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** Exit codes: 0 success (or, with --detailed-exitcode, no changes), 1 error, 2 changes planned. */
export const EXIT = { ok: 0, error: 1, changes: 2 } as const;

/** Input options of the commands that reach the workspace: the action inputs that mean something to the command on a terminal. */
function addInputOptions(command: Program, inputs: readonly InputSpec[], env: NodeJS.ProcessEnv, only?: ReadonlySet<string>): Program {
  for (const spec of inputs) {
    if (!offers(command.name(), spec.name, env) || (only && !only.has(spec.name))) continue;
    const list = spec.name === 'definitions';
    const flags = spec.boolean ? `--${spec.name} [true|false]` : `--${spec.name} <${list ? 'pattern' : 'value'}>`;
    const description = `${spec.description}${list ? ' Repeat for several patterns.' : ''}${spec.default !== undefined ? ` (default: ${spec.default.replace(/\n/g, ', ')})` : ''}`;
    const option = new Option(flags, description).helpGroup('Inputs (as in action.yml):');
    if (spec.boolean) option.preset('true');
    if (list) option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
    command.addOption(option);
  }
  return command;
}

const ROOT_HELP = 'the repository checkout the definitions patterns are relative to (default: the top of the git checkout you are in, else the current directory)';

interface Runner {
  readonly io: Io;
  readonly inputs: readonly InputSpec[];
}

/** Builds the settings, or reports every invalid option and returns undefined. */
/**
 * The reporter of a command: the action's messages name its inputs, a terminal's name the options
 * (`--allow-deletes is false`), for the inputs the command offers.
 */
function reporterFor(runner: Runner, command: string, stream: TerminalStream): TerminalReporter {
  const out = terminalReporter(stream, runner.io.env);
  const options = new Set(runner.inputs.map((s) => s.name).filter((name) => offers(command, name, runner.io.env)));
  const words = (message: string): string => inOptionTerms(message, options);
  return {
    ...out,
    info: (m) => out.info(words(m)),
    notice: (m, at) => out.notice(words(m), at),
    warning: (m, at) => out.warning(words(m), at),
    error: (m, at) => out.error(words(m), at),
    setFailed: (m) => out.setFailed(words(m)),
  };
}

function settingsOrReport(runner: Runner, out: TerminalReporter, request: Omit<CliRun, 'inputs' | 'env' | 'cwd'>): Settings | undefined {
  try {
    return cliSettings({ ...request, inputs: runner.inputs, env: runner.io.env, cwd: runner.io.cwd });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    for (const problem of error.problems) out.error(problem);
    out.setFailed(`${error.problems.length} invalid option${error.problems.length === 1 ? '' : 's'}; nothing was sent to the API.`);
    return undefined;
  }
}

/** One run of the pipeline; the result is `run()`'s, `failed` for anything unexpected. */
async function runPipeline(settings: Settings, out: TerminalReporter): Promise<string> {
  const secrets = [...settings.secrets];
  try {
    return await run(realDependencies(settings, out, secrets));
  } catch (error) {
    out.setFailed(scrub(error instanceof Error ? error.message : String(error), secrets));
    return 'failed';
  } finally {
    out.close();
  }
}

async function confirm(io: Io, question: string): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream });
  try {
    return (await rl.question(question)).trim() === 'yes';
  } finally {
    rl.close();
  }
}

const UNREVIEWED = 'This apply is unreviewed: no pull request showed this plan to a reviewer.';

export function buildProgram(io: Io, inputs: readonly InputSpec[] = readInputs()): { program: Program; exitCode: () => number } {
  const runner: Runner = { io, inputs };
  let exitCode: number = EXIT.ok;
  const program = new Program('flink-connectors')
    .description('Manage Alibaba Cloud Flink custom connectors as code, from a terminal: the same plan and apply as the GitHub Action.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) })
    .exitOverride()
    .showHelpAfterError();
  const remote = (command: Program): Program =>
    addInputOptions(command, inputs, io.env).option('--root <dir>', ROOT_HELP).option('--repo <owner/name>', 'the GitHub repository whose record of applied connectors to read (token from GITHUB_TOKEN or GH_TOKEN)');

  program
    .command('validate')
    .description('Check definition files offline: schema and cross-file checks; errors as file:line:col: message. Exit 1 on any.')
    .argument('[paths...]', 'definition files, relative to --root (default: the definitions patterns)')
    .addHelpText('after', '\nWith GITHUB_ACTIONS=true the errors are also written as annotations.')
    .action(async (paths: string[], options: Record<string, unknown>) => {
      exitCode = await validate(runner, paths, options);
    });
  addInputOptions(program.commands.at(-1) as Program, inputs, io.env, new Set(['definitions', 'workspace-id', 'namespace'])).option('--root <dir>', ROOT_HELP);

  remote(
    program
      .command('plan')
      .description('Show what an apply would change, as the action plans it. Credentials from the Alibaba Cloud credential chain.')
      .option('--json', 'print the plan-json document on stdout (the log goes to stderr)')
      .option('--detailed-exitcode', 'exit 0 when there are no changes, 2 when there are, 1 on error'),
  ).action(async (options: Record<string, unknown>) => {
    const out = reporterFor(runner, 'plan', options.json ? io.stderr : io.stdout);
    const settings = settingsOrReport(runner, out, { command: 'plan', options });
    if (!settings) return void (exitCode = EXIT.error);
    const result = await runPipeline(settings, out);
    if (options.json && out.outputs.has('plan-json')) io.stdout.write(`${out.outputs.get('plan-json')}\n`);
    exitCode = result === 'failed' ? EXIT.error : options.detailedExitcode && out.outputs.get('has-changes') === 'true' ? EXIT.changes : EXIT.ok;
  });

  remote(
    program
      .command('apply')
      .description(`Apply the plan to the workspaces. ${UNREVIEWED.replace('this plan', 'the plan')} Asks for confirmation unless --yes.`)
      .option('--yes', 'apply without asking'),
  ).action(async (options: Record<string, unknown>) => {
    exitCode = await apply(runner, options);
  });

  remote(program.command('export').description('Write definition files for the live connectors no definition declares yet (as command: export).')).action(
    async (options: Record<string, unknown>) => {
      exitCode = await simple(runner, 'export', options);
    },
  );

  addInputOptions(
    program
      .command('sandbox')
      .description(
        'Play the action on your own repository against a local workspace emulator and GitHub stand-in, state kept in a folder: --as pr plans as a pull request (and writes its plan comment), --as merge applies as the merge does.',
      )
      .requiredOption('--dir <dir>', 'your repository checkout (the definitions patterns are relative to it)')
      .addOption(new Option('--repo <owner/name>').hideHelp())
      .addOption(new Option('--as <event>', 'the event to play').choices(['pr', 'merge']).default('pr'))
      .option('--catalog <file>', 'the JAR catalog (docs/catalog.md); default: each JAR declares the connector its definition declares')
      .option('--state <dir>', 'where the sandbox keeps its state (default: <repo>/.flink-connectors-sandbox)'),
    inputs,
    io.env,
  ).action(async (options: Record<string, unknown>) => {
    const out = reporterFor(runner, 'sandbox', io.stdout);
    if (options.repo !== undefined) {
      out.setFailed('sandbox takes your checkout as --dir DIR; --repo is owner/name, for plan and apply.');
      return void (exitCode = EXIT.error);
    }
    const repoDir = path.resolve(io.cwd, String(options.dir));
    const settingsFor: SettingsFor = (overrides, event, env) =>
      settingsOrReport({ io: { ...io, env }, inputs }, out, { command: 'auto', options: { ...options, dir: undefined, root: repoDir }, overrides, event });
    try {
      const result = await runSandbox(
        { repoDir, play: options.as === 'merge' ? 'merge' : 'pr', catalogFile: options.catalog ? path.resolve(io.cwd, String(options.catalog)) : undefined, stateDir: options.state ? path.resolve(io.cwd, String(options.state)) : undefined },
        io.env,
        out,
        settingsFor,
        (settings, reporter) => runPipeline(settings, reporter),
      );
      exitCode = result === 'failed' ? EXIT.error : EXIT.ok;
    } catch (error) {
      out.setFailed(error instanceof Error ? error.message : String(error));
      exitCode = EXIT.error;
    }
  });
  return { program, exitCode: () => exitCode };
}

async function simple(runner: Runner, command: Command, options: Record<string, unknown>, overrides?: Record<string, string>): Promise<number> {
  const out = reporterFor(runner, command, runner.io.stdout);
  const settings = settingsOrReport(runner, out, { command, options, overrides });
  if (!settings) return EXIT.error;
  return (await runPipeline(settings, out)) === 'failed' ? EXIT.error : EXIT.ok;
}

/**
 * What the confirmation holds the apply to: the changes of a plan-json, without their impact and SQL baseline. The
 * plan's warnings (an impact read refused, a scan limit reached) and the impact itself are what the
 * reviewer read, not what the apply carries out, and the apply reads less of them than the plan.
 */
function changesOf(planJson: string): string {
  try {
    const doc = JSON.parse(planJson) as { targets?: Array<{ workspaceId?: string; namespace?: string; changes?: Array<Record<string, unknown>> }> };
    return JSON.stringify((doc.targets ?? []).map((t) => [t.workspaceId, t.namespace, (t.changes ?? []).map(({ impact: _impact, verification: _verification, ...change }) => change)]));
  } catch {
    return planJson;
  }
}

/**
 * The apply's reporter, stopping the run when its changes are not the ones confirmed: the changes
 * of one plan serialise the same byte for byte, and plan-json is set before anything is changed.
 */
function holdingTo(out: TerminalReporter, confirmed: string | undefined): TerminalReporter {
  if (confirmed === undefined) return out;
  return {
    ...out,
    setOutput: (name, value) => {
      if (name === 'plan-json' && changesOf(value) !== changesOf(confirmed)) {
        throw new Error('The plan changed after it was confirmed (the workspace or the files changed meanwhile); nothing was applied. Run apply again to see the new plan.');
      }
      out.setOutput(name, value);
    },
  };
}

/**
 * The apply's reporter after the same plan was shown and confirmed: the plan text is not printed a
 * second time, nor the apply mode's own warning that it goes ahead unreviewed (the confirmation said so).
 */
function withoutPlanText(out: TerminalReporter): TerminalReporter {
  let inPlan = false;
  let planLineNext = false;
  return {
    ...out,
    startGroup: (name) => (name === 'Plan' ? void (inPlan = true) : out.startGroup(name)),
    endGroup: () => (inPlan ? void ((inPlan = false), (planLineNext = true)) : out.endGroup()),
    info: (message) => {
      if (inPlan) return;
      if (planLineNext && message.startsWith('Plan: ')) return void (planLineNext = false);
      out.info(message);
    },
    warning: (message, at) => (/Applying anyway \(allow-unreviewed-changes: true\)\.$/.test(message) ? undefined : out.warning(message, at)),
  };
}

/**
 * A terminal's apply plans first, even with --yes: no pull request showed the plan, so this plan is
 * where the decision is made, and its refusals (`protect-in-use`, `allow-deletes`) stop the apply.
 */
async function apply(runner: Runner, options: Record<string, unknown>): Promise<number> {
  const { io } = runner;
  const planOut = reporterFor(runner, 'apply', io.stdout);
  if (!options.yes && !io.stdin.isTTY) {
    planOut.setFailed(`apply changes the workspaces and asks first: pass --yes, or run it in a terminal to confirm the plan. ${UNREVIEWED}`);
    return EXIT.error;
  }
  const planSettings = settingsOrReport(runner, planOut, { command: 'plan', options });
  if (!planSettings) return EXIT.error;
  // What the apply needs beyond the plan (a commit for the record) is checked before anything is read.
  const settings = settingsOrReport(runner, planOut, { command: 'apply', options, overrides: { 'allow-unreviewed-changes': 'true' } });
  if (!settings) return EXIT.error;
  if ((await runPipeline(planSettings, planOut)) === 'failed') return EXIT.error;
  if (!options.yes && planOut.outputs.get('has-changes') === 'true' && !(await confirm(io, `${UNREVIEWED}\nApply the plan above? Only 'yes' is accepted: `))) {
    planOut.info('Apply cancelled; nothing was changed.');
    return EXIT.error;
  }
  const out = holdingTo(withoutPlanText(reporterFor(runner, 'apply', io.stdout)), planOut.outputs.get('plan-json'));
  out.warning(`${UNREVIEWED} Applying because ${options.yes ? '--yes was given' : 'it was confirmed'}.`);
  return (await runPipeline(settings, out)) === 'failed' ? EXIT.error : EXIT.ok;
}

async function validate(runner: Runner, paths: readonly string[], options: Record<string, unknown>): Promise<number> {
  const out = reporterFor(runner, 'validate', runner.io.stdout);
  // pre-commit and shells give paths from the current directory; patterns are relative to the root.
  const root = rootOf(options, runner.io.cwd);
  const relative = paths.map((p) => path.relative(root, path.resolve(runner.io.cwd, p)).split(path.sep).join('/'));
  const definitions = paths.length > 0 ? { definitions: relative.join('\n') } : undefined;
  const settings = settingsOrReport(runner, out, { command: 'plan', options, overrides: definitions });
  if (!settings) return EXIT.error;
  const desired = await loadDesired(runContext(realDependencies(settings, out, [])));
  if (!desired) return EXIT.error;
  out.info(`${desired.length} connector definition(s) are valid.`);
  return EXIT.ok;
}

/** Runs the command line; resolves to the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const { program, exitCode } = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
  return exitCode();
}
