/**
 * `command: export`: live connectors → definition files a team can commit to start managing an
 * existing workspace. Pure: returns paths and contents; the caller writes them.
 */
import * as yaml from 'js-yaml';
import { type LiveConnector, type RecordedConnector, type Target, UNKNOWN_JAR_HOST } from '../model.js';

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
  /** The `$schema` reference for a file at this path (relative to the export directory), if any. */
  schemaRef: (path: string) => string | undefined,
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
      const path = `${safeSegment(target.workspaceId)}/${safeSegment(target.namespace)}/${safeSegment(c.name)}.yaml`;
      const ref = schemaRef(path);
      const header = [
        ...(ref === undefined ? [] : [`# yaml-language-server: $schema=${ref}`]),
        `# Exported from ${target.workspaceId}/${target.namespace}.`,
        ...(record
          ? []
          : [
              '# jar_url: the API does not say which JAR a connector came from. Replace the placeholder',
              '# with the real URL before changing this connector; until then it is adopted as it is.',
              '# Filling it in only records the JAR as declared (`~` in the plan, no API call): the',
              '# connector is not registered again. Add `adopt: replace` to register it again instead.',
            ]),
      ];
      const body = yaml.dump(definition, { lineWidth: -1, noRefs: true, sortKeys: false, flowLevel: 1 });
      return {
        path,
        content: `${header.join('\n')}\n${body}`,
        connector: c.name,
        target,
        jarKnown: record !== undefined,
      };
    });
}
