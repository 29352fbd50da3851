/** Step one of every run: read and validate the definition files, annotating every problem. */
import { loadDefinitions } from '../definitions/validate.js';
import type { DefinitionError, DesiredConnector } from '../model.js';
import { renderDefinitionErrors } from '../report/summaries.js';
import { escapeMessage } from '../report/escape.js';
import { renderInvalidComment } from '../report/invalid.js';
import { commentMarker } from '../report/markdown.js';
import { postComment } from './comment.js';
import type { Settings } from '../settings.js';
import type { Reporter } from './reporter.js';
import { PULL_REQUEST_EVENTS, type RunContext, messageOf } from './run-context.js';

function annotateDefinitionErrors(out: Reporter, errors: readonly DefinitionError[]): void {
  for (const e of errors) {
    out.error(e.message, { title: 'Invalid connector definition', file: e.location.file, startLine: e.location.line, startColumn: e.location.column });
  }
}

/** Why a run without any definition file stops before planning. */
export function noDefinitionsMessage(settings: Pick<Settings, 'definitions' | 'root'>): string {
  const patterns = settings.definitions.map((p) => `\`${p}\``).join(', ');
  return `Nothing was planned: no file matched \`definitions\` in ${settings.root} (${patterns}). Without definitions the plan would delete every connector on record: check that the workflow checks out the repository (actions/checkout) and the \`definitions\` patterns. To remove every connector, declare each one with \`state: absent\`.`;
}

/** The declared connectors, or undefined when any definition is wrong (then everything is annotated). */
export async function loadDesired(ctx: RunContext): Promise<DesiredConnector[] | undefined> {
  const { settings, deps, out } = ctx;
  out.startGroup('Load definitions');
  const read = await deps.readDefinitionFiles([...settings.definitions], settings.root);
  // No file at all is a missing checkout or a mistyped glob far more often than an intent to delete
  // every connector on record; that intent is written as `state: absent`. Export starts from nothing.
  if (read.files.length === 0 && read.errors.length === 0 && settings.command !== 'export') {
    out.endGroup();
    const message = noDefinitionsMessage(settings);
    out.error(message, { title: 'No connector definitions' });
    await out.summary(`### Flink connectors: no definitions\n\n${escapeMessage(message, 2000)}\n`);
    return undefined;
  }
  for (const w of read.warnings) out.warning(w);
  const loaded = loadDefinitions(read.files, { workspaceId: settings.defaultWorkspaceId, namespace: settings.defaultNamespace });
  const errors = [...read.errors, ...loaded.errors];
  out.info(`${read.files.length} file(s), ${loaded.connectors.length} connector(s), ${errors.length} error(s)`);
  out.endGroup();
  if (errors.length === 0) return loaded.connectors;
  annotateDefinitionErrors(out, errors);
  await out.summary(renderDefinitionErrors(errors));
  // The PR's comment must not keep showing a plan for definitions that are no longer there.
  const { event } = settings;
  if (settings.comment && settings.command !== 'export' && event.pullNumber !== undefined && PULL_REQUEST_EVENTS.has(event.name) && !event.fromFork) {
    try {
      await postComment(ctx, event.pullNumber, renderInvalidComment(commentMarker(settings.commentKey), errors, ctx.report));
    } catch (error) {
      out.warning(`Could not update the plan comment: ${messageOf(error, ctx.deps.secrets)}`);
    }
  }
  return undefined;
}
