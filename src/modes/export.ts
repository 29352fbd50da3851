/** Export mode: write definition files for live connectors no definition declares yet. */
import { exportDefinitions } from '../export/export.js';
import { exportReport } from '../export/report.js';
import { findSchemaCopy, schemaRefFor } from '../export/schema-ref.js';
import type { DesiredConnector, Target } from '../model.js';
import { targetKey } from '../model.js';
import { observe } from '../observe.js';
import { targetsOf } from '../plan/plan.js';
import { type RunContext, type RunResult, fail } from '../pipeline/run-context.js';
import type { TargetRecord } from '../record/record.js';
import type { ConnectorApi } from '../ververica/connectors.js';

export async function exportMode(ctx: RunContext, desired: DesiredConnector[], api: ConnectorApi, records: Map<string, TargetRecord> | undefined): Promise<RunResult> {
  const { settings, deps, out } = ctx;
  const targets = new Map<string, Target>(targetsOf(desired).map((t) => [targetKey(t), t]));
  if (settings.defaultWorkspaceId && settings.defaultNamespace) {
    const t = { workspaceId: settings.defaultWorkspaceId, namespace: settings.defaultNamespace };
    targets.set(targetKey(t), t);
  }
  if (targets.size === 0) return fail(ctx, 'command: export needs a target: set the workspace-id and namespace inputs.');
  const observed = await observe([...targets.values()], api, settings.parallelism);
  const dir = settings.exportPath.replace(/\/+$/, '');
  // Connectors some definition already declares are not exported again: that would declare them twice.
  const declared = new Set(desired.map((d) => `${targetKey(d.target)}/${d.name}`));
  const schemaCopy = await findSchemaCopy(settings.root);
  const schemaRef = (path: string): string | undefined => schemaRefFor(`${dir}/${path}`, schemaCopy, settings.actionRelease);
  const files = [...targets.values()].flatMap((t) =>
    exportDefinitions(t, (observed.get(targetKey(t)) ?? []).filter((c) => !declared.has(`${targetKey(t)}/${c.name}`)), records?.get(targetKey(t))?.connectors ?? {}, schemaRef).map(
      (f) => ({ ...f, path: `${dir}/${f.path}` }),
    ),
  );
  await deps.writeFiles(files);
  const report = exportReport(files, dir, [...targets.values()]);
  for (const line of report.log) out.info(line);
  await out.summary(report.summary);
  out.setOutput('result', 'no-op');
  return 'no-op';
}
