/**
 * Wires the real collaborators into `run()` and turns every failure into one clear message.
 * Kept apart from index.ts so the wiring itself is importable.
 */
import * as core from '@actions/core';
import { systemClock } from './apply/ports.js';
import { readDefinitionFiles } from './definitions/files.js';
import { writeFilesUnder } from './export/files.js';
import { createOctokit } from './github/client.js';
import { type Dependencies, run } from './main.js';
import { setNoPlanOutputs } from './pipeline/plan.js';
import { type Reporter, actionsReporter } from './pipeline/reporter.js';
import { scrub } from './secrets.js';
import { InputError, readSettings, type Settings } from './settings.js';
import { connectorApiFor } from './ververica/factory.js';
import { quietRuntimeDeprecations } from './warnings.js';

/**
 * The real collaborators for a run that reports to `reporter`: the action's and the command line's.
 * `secrets` grows as keyless sign-in obtains credentials, so messages are scrubbed of them too.
 */
export function realDependencies(settings: Settings, reporter: Reporter, secrets: string[]): Dependencies {
  const octokit = settings.githubToken && settings.event.owner ? createOctokit(settings.githubToken, settings.githubApiUrl) : undefined;
  return {
    settings,
    reporter,
    octokit,
    clock: systemClock,
    secrets,
    readDefinitionFiles,
    writeFiles: (files) => writeFilesUnder(settings.root, files),
    connectorApi: async () =>
      connectorApiFor(
        settings,
        {
          sleep: systemClock.sleep,
          random: Math.random,
          onRetry: (error, attempt, delayMs) => reporter.info(`retrying ${error.action} (attempt ${attempt + 1}) in ${delayMs} ms: ${scrub(error.message, secrets)}`),
        },
        secrets,
      ),
  };
}

export async function start(): Promise<void> {
  quietRuntimeDeprecations();
  let secrets: readonly string[] = [];
  const fail = (error: unknown): void => {
    const message = error instanceof Error ? error.message : String(error);
    // The output file itself may be what failed (a runner file that is missing): the failure is still said.
    try {
      core.setOutput('result', 'failed');
    } catch {
      // setFailed below says why the run failed.
    }
    core.setFailed(scrub(message, secrets));
  };
  process.on('unhandledRejection', fail);
  try {
    setNoPlanOutputs(actionsReporter);
    let settings: Settings;
    try {
      settings = readSettings();
    } catch (error) {
      if (error instanceof InputError) {
        for (const problem of error.problems) core.error(problem, { title: 'Invalid input' });
        core.setOutput('result', 'failed');
        core.setFailed(`${error.problems.length} invalid input${error.problems.length === 1 ? '' : 's'}; nothing was sent to the API.`);
        return;
      }
      throw error;
    }
    // Credentials obtained later (keyless sign-in) are added as they arrive, so errors are scrubbed of them too.
    const scrubbed = [...settings.secrets];
    secrets = scrubbed;
    await run(realDependencies(settings, actionsReporter, scrubbed));
  } catch (error) {
    fail(error);
  }
}
