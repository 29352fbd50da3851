import { describe, expect, it } from 'vitest';
import { loadDefinitions } from '../../src/definitions/validate.js';
import type { DefinitionDefaults } from '../../src/definitions/validate.js';

const load = (content: string, defaults: DefinitionDefaults = { workspaceId: 'ws', namespace: 'ns' }): string[] =>
  loadDefinitions([{ path: 'c.yaml', content }], defaults).errors.map((e) => `${e.location.line} ${e.message}`);

describe('definition messages a new user meets', () => {
  it('reports a misspelt required key once, as the misspelling', () => {
    const errors = load('connector_name: kafka\nconector_type: kafka\njar_url: oss://b/k.jar\n');
    expect(errors).toEqual(['2 unknown key `conector_type`; did you mean `connector_type`?']);
  });

  it('keeps the missing-field message for what the misspelling does not cover', () => {
    const errors = load('connector_name: kafka\nconector_type: kafka\n');
    expect(errors).toEqual([
      '1 connector `kafka`: missing required field `jar_url` (required unless `state: absent`)',
      '2 unknown key `conector_type`; did you mean `connector_type`?',
    ]);
  });

  it.each([
    ['namespace', 'namespace_name'],
    ['workspace', 'workspace_id'],
    ['type', 'connector_type'],
    ['jar', 'jar_url'],
    ['jarUrl', 'jar_url'],
  ])('suggests the field for `%s` on a connector', (key, field) => {
    const fields: Record<string, string> = { connector_name: 'kafka', connector_type: 'kafka', jar_url: 'oss://b/k.jar' };
    delete fields[field];
    const text = Object.entries(fields).map(([k, v]) => `${k}: ${v}\n`).join('') + `${key}: x\n`;
    expect(load(text)).toEqual([`${Object.keys(fields).length + 1} unknown key \`${key}\`; did you mean \`${field}\`?`]);
  });

  it('suggests `connector_name` for `name`', () => {
    expect(load('name: kafka\nconnector_type: kafka\njar_url: oss://b/k.jar\n')).toEqual([
      '1 unknown key `name`; did you mean `connector_name`?',
    ]);
  });

  it('suggests `namespace_name` for `namespace` at file level', () => {
    const errors = load('namespace: ns\nconnectors:\n  - connector_name: kafka\n    connector_type: kafka\n    jar_url: oss://b/k.jar\n');
    expect(errors).toEqual(['1 unknown key `namespace`; did you mean `namespace_name`?']);
  });

  it('reports every problem of a connector together: a bad field and no namespace', () => {
    const errors = load('connector_name: kafka\nconnector_type: kafka\njar_url: ftp://b/k.jar\n', { workspaceId: 'ws' });
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('1 connector `kafka` has no namespace');
    expect(errors[1]).toContain('3 `jar_url` must be an `oss://`');
  });

  it('does not report a missing namespace when the namespace itself is the bad field', () => {
    const errors = load('connector_name: kafka\nconnector_type: kafka\njar_url: oss://b/k.jar\nnamespace_name: 5\n', { workspaceId: 'ws' });
    expect(errors).toEqual(['4 `namespace_name` must be a string, found a number (`5`); put the value in quotes to make it a string']);
  });

  it('says that a value containing `: ` must be quoted, at its line', () => {
    const errors = load('connector_name: kafka\ndescription: owner: team-payments\nconnector_type: kafka\njar_url: oss://b/k.jar\n');
    expect(errors).toEqual([
      '2 the value of `description` contains `: `; a value containing `: ` must be quoted: description: "owner: team-payments"',
    ]);
  });

  it('says the same in a list of connectors', () => {
    const errors = load('connectors:\n  - connector_name: kafka\n    description: owner: team\n');
    expect(errors).toEqual(['3 the value of `description` contains `: `; a value containing `: ` must be quoted: description: "owner: team"']);
  });
});
