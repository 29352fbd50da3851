/**
 * Wires the real collaborators into `run()` and turns every failure into one clear message.
 * Kept apart from index.ts so the wiring itself is importable.
 */
import * as core from '@actions/core';
import { systemClock } from './apply/ports.js';
import { readDefinitionFiles } from './definitions/files.js';
import { writeFilesUnder } from './export/files.js';
import { createOctokit } from './github/client.js';
import { run } from './main.js';
import { setResult } from './outputs.js';
import { scrub } from './secrets.js';
import { InputError, readSettings, type Settings } from './settings.js';
import { connectorApiFor } from './ververica/factory.js';

export async function start(): Promise<void> {
  let secrets: readonly string[] = [];
  const fail = (error: unknown): void => {
    const message = error instanceof Error ? error.message : String(error);
    setResult('failed');
    core.setFailed(scrub(message, secrets));
  };
  process.on('unhandledRejection', fail);
  try {
    let settings: Settings;
    try {
      settings = readSettings();
    } catch (error) {
      if (error instanceof InputError) {
        for (const problem of error.problems) core.error(problem, { title: 'Invalid input' });
        setResult('failed');
        core.setFailed(`${error.problems.length} invalid input${error.problems.length === 1 ? '' : 's'}; nothing was sent to the API.`);
        return;
      }
      throw error;
    }
    // Credentials obtained later (keyless sign-in) are added as they arrive, so errors are scrubbed of them too.
    const scrubbed = [...settings.secrets];
    secrets = scrubbed;
    const octokit = settings.githubToken && settings.event.owner ? createOctokit(settings.githubToken, settings.githubApiUrl) : undefined;
    await run({
      settings,
      octokit,
      clock: systemClock,
      secrets: scrubbed,
      readDefinitionFiles,
      writeFiles: (files) => writeFilesUnder(settings.root, files),
      connectorApi: async () =>
        connectorApiFor(
          settings,
          {
            sleep: systemClock.sleep,
            random: Math.random,
            onRetry: (error, attempt, delayMs) => core.info(`retrying ${error.action} (attempt ${attempt + 1}) in ${delayMs} ms: ${scrub(error.message, scrubbed)}`),
          },
          scrubbed,
        ),
    });
  } catch (error) {
    fail(error);
  }
}
