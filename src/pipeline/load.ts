/** Step one of every run: read and validate the definition files, annotating every problem. */
import { loadDefinitions } from '../definitions/validate.js';
import type { DefinitionError, DesiredConnector } from '../model.js';
import { renderDefinitionErrors } from '../report/summaries.js';
import type { Reporter } from './reporter.js';
import type { RunContext } from './run-context.js';

function annotateDefinitionErrors(out: Reporter, errors: readonly DefinitionError[]): void {
  for (const e of errors) {
    out.error(e.message, { title: 'Invalid connector definition', file: e.location.file, startLine: e.location.line, startColumn: e.location.column });
  }
}

/** The declared connectors, or undefined when any definition is wrong (then everything is annotated). */
export async function loadDesired(ctx: RunContext): Promise<DesiredConnector[] | undefined> {
  const { settings, deps, out } = ctx;
  out.startGroup('Load definitions');
  const read = await deps.readDefinitionFiles([...settings.definitions], settings.root);
  for (const w of read.warnings) out.warning(w);
  const loaded = loadDefinitions(read.files, { workspaceId: settings.defaultWorkspaceId, namespace: settings.defaultNamespace });
  const errors = [...read.errors, ...loaded.errors];
  out.info(`${read.files.length} file(s), ${loaded.connectors.length} connector(s), ${errors.length} error(s)`);
  out.endGroup();
  if (errors.length === 0) return loaded.connectors;
  annotateDefinitionErrors(out, errors);
  await out.summary(renderDefinitionErrors(errors));
  return undefined;
}
