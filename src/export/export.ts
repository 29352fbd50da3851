/**
 * `command: export`: live connectors → definition files a team can commit to start managing an
 * existing workspace. Pure: returns paths and contents; the caller writes them.
 */
import * as yaml from 'js-yaml';
import type { LiveConnector, RecordedConnector, Target } from '../model.js';

/** Stands in for a JAR URL the API cannot report; valid, obviously not real, and explained in the file. */
export const UNKNOWN_JAR_HOST = 'jar-url-unknown';

export interface ExportedFile {
  /** Relative to the export directory, forward slashes. */
  readonly path: string;
  readonly content: string;
  readonly connector: string;
  readonly target: Target;
  readonly jarKnown: boolean;
}

const safeSegment = (value: string): string => value.replace(/[^A-Za-z0-9._-]/g, '_');

/** One file per connector: `<workspace>/<namespace>/<connector>.yaml`. */
export function exportDefinitions(
  target: Target,
  live: readonly LiveConnector[],
  recorded: Readonly<Record<string, RecordedConnector>>,
  schemaRef: string,
): ExportedFile[] {
  return [...live]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((c) => {
      const record = recorded[c.name]?.type === c.type ? recorded[c.name] : undefined;
      const definition: Record<string, unknown> = {
        connector_name: c.name,
        connector_type: c.type,
        jar_url: record?.jarUrl ?? `oss://${UNKNOWN_JAR_HOST}/${safeSegment(c.name)}.jar`,
        workspace_id: target.workspaceId,
        namespace_name: target.namespace,
        ...(record?.description ? { description: record.description } : {}),
        source: c.source,
        sink: c.sink,
        lookup: c.lookup,
        supported_formats: [...c.supportedFormats].sort(),
        dependencies: [...c.dependencies].sort(),
      };
      const header = [
        `# yaml-language-server: $schema=${schemaRef}`,
        `# Exported from ${target.workspaceId}/${target.namespace}.`,
        ...(record
          ? []
          : [
              '# jar_url: the API does not say which JAR a connector came from. Replace the placeholder',
              '# with the real URL before changing this connector; until then it is adopted as it is.',
            ]),
      ];
      const body = yaml.dump(definition, { lineWidth: -1, noRefs: true, sortKeys: false, flowLevel: 1 });
      return {
        path: `${safeSegment(target.workspaceId)}/${safeSegment(target.namespace)}/${safeSegment(c.name)}.yaml`,
        content: `${header.join('\n')}\n${body}`,
        connector: c.name,
        target,
        jarKnown: record !== undefined,
      };
    });
}
