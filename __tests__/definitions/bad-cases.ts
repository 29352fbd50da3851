/**
 * Bad definition inputs and the error each must produce: file, line and a
 * fragment of the message. Exported so documentation can print the table.
 */
import type { DefinitionDefaults } from '../../src/definitions/validate.js';

export interface BadCase {
  /** A short title, unique in the table. */
  readonly name: string;
  /** File path → content. Files are loaded in this order. */
  readonly files: Readonly<Record<string, string>>;
  /** The action inputs; by default both are set, so the case is about the files. */
  readonly defaults?: DefinitionDefaults;
  readonly file: string;
  readonly line: number;
  /** A fragment the error's message must contain. */
  readonly message: string;
  /** Text that must appear in no error message (secrets). */
  readonly secret?: string;
}

export const INPUT_DEFAULTS: DefinitionDefaults = { workspaceId: 'ws-input', namespace: 'ns-input' };

const F = 'connectors/c.yaml';

/** A valid connector with one field replaced (or removed, with `undefined`). */
function connector(fields: Record<string, string | undefined> = {}, extra = ''): string {
  const base: Record<string, string | undefined> = {
    connector_name: 'kafka',
    connector_type: 'kafka',
    jar_url: 'oss://bucket/kafka.jar',
    ...fields,
  };
  const lines = Object.entries(base).flatMap(([k, v]) => (v === undefined ? [] : [`${k}: ${v}`]));
  return `${lines.join('\n')}\n${extra}`;
}

/** connector_name at line 1, connector_type 2, jar_url 3, then `extra` from line 4. */
function one(name: string, fields: Record<string, string | undefined>, line: number, message: string, extra = ''): BadCase {
  return { name, files: { [F]: connector(fields, extra) }, file: F, line, message };
}

function billionLaughs(): string {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (const [name, prev] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd']]) {
    lines.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
  }
  return `connector_name: bomb\ndescription: x\nsupported_formats: []\nextra:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}

export const BAD_CASES: readonly BadCase[] = [
  // Malformed YAML: one error, at the line js-yaml reports.
  one('YAML: bad indentation', { connector_type: undefined }, 3, 'invalid YAML: bad indentation', '  connector_type: kafka\n'),
  { name: 'YAML: unclosed flow list', files: { [F]: 'connector_name: a\nsupported_formats: [json, csv\nconnector_type: b\n' }, file: F, line: 3, message: 'invalid YAML' },
  { name: 'YAML: tab indentation', files: { [F]: 'connector_name: a\n\tconnector_type: b\n' }, file: F, line: 2, message: 'tab characters must not be used' },
  { name: 'YAML: unclosed quote', files: { [F]: 'connector_name: a\ndescription: "abc\njar_url: x\n' }, file: F, line: 3, message: 'invalid YAML' },
  { name: 'YAML: mapping inside a plain value', files: { [F]: 'connector_name: a: b\n' }, file: F, line: 1, message: 'a value containing `: ` must be quoted: connector_name: "a: b"' },
  { name: 'YAML: list then mapping at top level', files: { [F]: '- connector_name: a\nconnector_type: b\n' }, file: F, line: 2, message: 'end of the stream or a document separator is expected' },
  { name: 'YAML: error in a later document', files: { [F]: `${connector()}---\nconnector_name: b\n  x: 1\n` }, file: F, line: 6, message: 'invalid YAML' },

  // Wrong types, one per field.
  one('type: connector_name is a number', { connector_name: '123' }, 1, '`connector_name` must be a string, found a number (`123`); put the value in quotes'),
  one('type: connector_type is a list', { connector_type: '[a, b]' }, 2, '`connector_type` must be a string, found a list'),
  one('type: jar_url is a number', { jar_url: '42' }, 3, '`jar_url` must be a string, found a number'),
  one('type: workspace_id is a number', {}, 4, '`workspace_id` must be a string, found a number', 'workspace_id: 1234\n'),
  one('type: namespace_name is empty', {}, 4, '`namespace_name` must be a string, found nothing', 'namespace_name:\n'),
  one('type: description is a number', {}, 4, '`description` must be a string, found a number (`1.5`)', 'description: 1.5\n'),
  one('type: source is `yes`', {}, 4, '`source` must be true or false, found a string (`yes`); YAML 1.2 reads only true and false', 'source: yes\n'),
  one('type: sink is a quoted "true"', {}, 4, '`sink` must be true or false, found a string', 'sink: "true"\n'),
  one('type: lookup is a number', {}, 4, '`lookup` must be true or false, found a number (`1`)', 'lookup: 1\n'),
  one('type: supported_formats is a string', {}, 4, '`supported_formats` must be a list, found a string (`json`); write a list', 'supported_formats: json\n'),
  one('type: supported_formats item is a number', {}, 4, 'item 2 of `supported_formats` must be a string, found a number', 'supported_formats: [json, 1]\n'),
  one('type: dependencies is a mapping', {}, 5, '`dependencies` must be a list, found a mapping', 'dependencies:\n  jar: oss://b/x.jar\n'),
  one('type: state is a boolean', {}, 4, '`state` must be `present` or `absent`, found `true`', 'state: true\n'),
  one('type: supported_formats repeats a value', {}, 4, 'item 3 of `supported_formats` repeats item 1 (`json`)', 'supported_formats: [json, csv, json]\n'),

  // Unknown keys, with a suggestion when one is close.
  one('unknown key: conector_type', { connector_type: undefined }, 3, 'unknown key `conector_type`; did you mean `connector_type`?', 'conector_type: kafka\n'),
  one('unknown key: jarurl', { jar_url: undefined }, 3, 'unknown key `jarurl`; did you mean `jar_url`?', 'jarurl: oss://b/k.jar\n'),
  one('unknown key: Source (case)', {}, 4, 'unknown key `Source`; did you mean `source`?', 'Source: true\n'),
  one('unknown key: connector-type (dash)', { connector_type: undefined }, 3, 'did you mean `connector_type`?', 'connector-type: kafka\n'),
  one('unknown key: nothing close', {}, 4, 'unknown key `owner`; allowed keys: `connector_name`', 'owner: team-a\n'),
  one('unknown key: merge key', {}, 5, 'merge keys (`<<`) are not supported', 'base: &b {sink: true}\n<<: *b\n'),
  { name: 'unknown key at file level: typo', files: { [F]: 'workspace_id: w\nnamespce_name: n\nconnectors: []\n' }, file: F, line: 2, message: 'unknown key `namespce_name`; did you mean `namespace_name`?' },
  { name: 'unknown key at file level: connector field', files: { [F]: 'jar_url: oss://b/x.jar\nconnectors: []\n' }, file: F, line: 1, message: '`jar_url` is a connector field: put it inside an entry of `connectors:`' },

  // Duplicate keys.
  one('duplicate key in a connector', {}, 4, 'duplicate key `connector_name`: already defined at line 1', 'connector_name: kafka-2\n'),
  { name: 'duplicate key in a connectors entry', files: { [F]: `connectors:\n  - connector_name: a\n    connector_type: a\n    jar_url: oss://b/a.jar\n    connector_type: b\n` }, file: F, line: 5, message: 'duplicate key `connector_type`: already defined at line 3' },

  // Aliases and tags.
  { name: 'alias bomb', files: { [F]: billionLaughs() }, file: F, line: 8, message: 'aliases expand this document beyond 10000 values' },
  { name: 'recursive alias', files: { [F]: 'connector_name: a\nsupported_formats: &f [json, *f]\n' }, file: F, line: 2, message: 'alias `*f` refers to a value that contains it' },
  { name: 'alias to no anchor', files: { [F]: 'connector_name: a\nsupported_formats: *formats\n' }, file: F, line: 2, message: 'alias `*formats` refers to no anchor' },
  one('custom tag', {}, 4, 'tag `!secret` is not supported', 'description: !secret abc\n'),
  one('timestamp tag', {}, 4, 'tag `!!timestamp` is not supported', 'description: !!timestamp 2024-01-01\n'),
  one('binary tag', {}, 4, 'tag `!!binary` is not supported', 'description: !!binary aGVsbG8=\n'),
  one('list as a mapping key', {}, 4, 'a mapping key must be a plain string', '? [a, b]\n: x\n'),

  // Required fields: reported on the line where the mapping starts.
  { name: 'missing connector_name', files: { [F]: 'description: x\nconnector_type: kafka\njar_url: oss://b/k.jar\n' }, file: F, line: 1, message: 'missing required field `connector_name`' },
  { name: 'missing connector_type and jar_url', files: { [F]: 'connectors:\n  - connector_name: a\n    connector_type: a\n    jar_url: oss://b/a.jar\n  - connector_name: b\n' }, file: F, line: 5, message: 'connector `b`: missing required fields `connector_type` and `jar_url` (required unless `state: absent`)' },
  one('missing jar_url', { jar_url: undefined }, 1, 'connector `kafka`: missing required field `jar_url`'),
  one('bad state', {}, 4, '`state` must be `present` or `absent`, found `gone`', 'state: gone\n'),

  // Names and types the API would refuse.
  one('name with a space', { connector_name: 'my kafka' }, 1, '`connector_name` `my kafka` must start with a letter or digit and contain only letters, digits'),
  one('type with a slash', { connector_type: 'kafka/avro' }, 2, '`connector_type` `kafka/avro` must start with a letter or digit'),
  one('name starting with a dot', { connector_name: '.hidden' }, 1, '`connector_name` `.hidden` must start with a letter or digit'),
  one('name with non-ASCII letters', { connector_name: 'connecteur-é' }, 1, '`connector_name` `connecteur-é` must start with'),
  one('empty name', { connector_name: '""' }, 1, '`connector_name` must not be empty'),
  one('empty type', { connector_type: "''" }, 2, '`connector_type` must not be empty'),
  one('name too long', { connector_name: 'k'.repeat(129) }, 1, '`connector_name` is too long: 129 characters, at most 128'),
  one('workspace_id with a colon', {}, 4, '`workspace_id` `ws:1` must start with a letter or digit', 'workspace_id: "ws:1"\n'),
  { name: 'file-level namespace_name with a space', files: { [F]: 'namespace_name: my ns\nconnectors: []\n' }, file: F, line: 1, message: '`namespace_name` `my ns` must start with a letter or digit' },

  // JAR URLs.
  one('jar_url: ftp', { jar_url: 'ftp://mirror/k.jar' }, 3, 'must be an `oss://`, `https://` or `http://` URL, found scheme `ftp`'),
  one('jar_url: file', { jar_url: 'file:///tmp/k.jar' }, 3, 'found scheme `file`'),
  one('jar_url: s3', { jar_url: 's3://bucket/k.jar' }, 3, 'found scheme `s3`'),
  one('jar_url: no scheme', { jar_url: 'bucket/k.jar' }, 3, 'found no scheme'),
  one('jar_url: upper-case scheme', { jar_url: 'HTTPS://host/k.jar' }, 3, 'found scheme `HTTPS`'),
  one('jar_url: a space', { jar_url: '"https://host/my k.jar"' }, 3, '`jar_url` must be a URL with a host (or bucket) and no spaces'),
  one('jar_url: no host', { jar_url: 'oss:///k.jar' }, 3, '`jar_url` must be a URL with a host'),
  one('jar_url: empty', { jar_url: '""' }, 3, '`jar_url` must not be empty'),
  {
    ...one('jar_url: user and password', { jar_url: 'https://deployer:hunter2-secret@repo.example.com/k.jar' }, 3, '`jar_url` must not contain credentials'),
    secret: 'hunter2-secret',
  },
  {
    ...one('jar_url: OSS access key', { jar_url: 'oss://LTAI5tSecretKeyId:SecretValue123@bucket/k.jar' }, 3, 'must not contain credentials'),
    secret: 'SecretValue123',
  },
  {
    ...one('dependencies: credentials', {}, 6, 'item 2 of `dependencies` must not contain credentials', 'dependencies:\n  - oss://b/ok.jar\n  - https://u:topsecret-dep@h/x.jar\n'),
    secret: 'topsecret-dep',
  },

  {
    ...one('dependencies: repeated URL with credentials', {}, 6, 'item 2 of `dependencies` repeats item 1; list each value once', 'dependencies:\n  - https://u:dup-secret@h/x.jar\n  - https://u:dup-secret@h/x.jar\n'),
    secret: 'dup-secret',
  },

  // Checks across connectors and files.
  {
    name: 'same connector in two files',
    files: { 'connectors/a.yaml': connector(), 'connectors/b.yaml': `# second\n${connector({ connector_type: 'kafka-2', jar_url: 'oss://b/k2.jar' })}` },
    file: 'connectors/b.yaml',
    line: 2,
    message: 'connector `kafka` is declared twice in `ws-input/ns-input`; first at connectors/a.yaml:1',
  },
  {
    name: 'same connector in two documents',
    files: { [F]: `${connector()}---\n${connector({ state: 'absent' })}` },
    file: F,
    line: 5,
    message: 'first at connectors/c.yaml:1',
  },
  {
    name: 'same type twice in a namespace',
    files: { [F]: `connectors:\n  - connector_name: a\n    connector_type: kafka\n    jar_url: oss://b/a.jar\n  - connector_name: b\n    connector_type: kafka\n    jar_url: oss://b/b.jar\n` },
    file: F,
    line: 6,
    message: 'connector type `kafka` is already declared in `ws-input/ns-input` by connector `a` at connectors/c.yaml:3',
  },

  // Where to register: workspace and namespace.
  { ...one('no workspace anywhere', {}, 1, 'connector `kafka` has no workspace: set `workspace_id` on the connector, at file level next to `connectors:`, or the action\'s `workspace-id` input'), defaults: { namespace: 'ns' } },
  { ...one('no namespace anywhere', {}, 1, 'has no namespace: set `namespace_name`'), defaults: { workspaceId: 'ws' } },
  { ...one('neither workspace nor namespace', {}, 1, 'has no workspace: set `workspace_id` on the connector, at file level next to `connectors:`, or the action\'s `workspace-id` input; and no namespace'), defaults: {} },
  { ...one('invalid workspace-id input', {}, 1, 'the `workspace-id` input `ws 1` is not a valid ID'), defaults: { workspaceId: 'ws 1', namespace: 'ns' } },

  // Document shapes.
  { name: 'top-level list', files: { [F]: '# c\n- connector_name: a\n' }, file: F, line: 2, message: 'a definition document must be a mapping: one connector (with `connector_name`) or `connectors:` with a list; found a list' },
  { name: 'top-level scalar', files: { [F]: `${connector()}---\njust text\n` }, file: F, line: 5, message: 'found a string' },
  { name: '`connectors` is a mapping', files: { [F]: 'connectors:\n  connector_name: a\n' }, file: F, line: 2, message: '`connectors` must be a list of connector mappings, found a mapping' },
  { name: '`connectors` is empty', files: { [F]: 'workspace_id: w\nconnectors:\n' }, file: F, line: 2, message: '`connectors` must be a list of connector mappings, found nothing' },
  { name: 'a connectors entry is a string', files: { [F]: 'connectors:\n  - kafka\n' }, file: F, line: 2, message: 'item 1 of `connectors` must be a mapping' },
  { name: 'a connectors entry is a list', files: { [F]: 'connectors:\n  - [a, b]\n' }, file: F, line: 2, message: 'item 1 of `connectors` must be a mapping' },
];

/** A file-system situation `readDefinitionFiles` must refuse, set up under a fresh repository root. */
export interface FileCase {
  readonly name: string;
  /** Creates the files under `root`; `outside` is a directory next to the root. */
  readonly create: (root: string, outside: string) => Promise<void>;
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

const definition = 'connector_name: kafka\nconnector_type: kafka\njar_url: oss://bucket/kafka.jar\n';

export const FILE_CASES: readonly FileCase[] = [
  {
    name: 'file larger than 1 MiB (2 MB)',
    create: async (root) => {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(`${root}/connectors/big.yaml`, `${definition}#${'x'.repeat(2_000_000 - definition.length - 1)}`);
    },
    file: 'connectors/big.yaml',
    line: 1,
    message: 'the file is 2000000 bytes, larger than the limit of 1048576 bytes (1 MiB)',
  },
  {
    name: 'file of 50 MB (sparse, never read)',
    create: async (root) => {
      const { truncate, writeFile } = await import('node:fs/promises');
      await writeFile(`${root}/connectors/huge.yaml`, definition);
      await truncate(`${root}/connectors/huge.yaml`, 50 * 1024 * 1024);
    },
    file: 'connectors/huge.yaml',
    line: 1,
    message: 'the file is 52428800 bytes, larger than the limit',
  },
  {
    name: 'binary file (NUL byte on line 3)',
    create: async (root) => {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(`${root}/connectors/bin.yaml`, Buffer.from('a: 1\nb: 2\nc: \u0000\u0001\u0002\n', 'utf8'));
    },
    file: 'connectors/bin.yaml',
    line: 3,
    message: 'binary file (it contains a NUL byte)',
  },
  {
    name: 'invalid UTF-8',
    create: async (root) => {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(`${root}/connectors/latin1.yaml`, Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]));
    },
    file: 'connectors/latin1.yaml',
    line: 1,
    message: 'not valid UTF-8 text',
  },
  {
    name: 'symbolic link escaping the root',
    create: async (root, outside) => {
      const { symlink, writeFile } = await import('node:fs/promises');
      await writeFile(`${outside}/secrets.yaml`, 'token: do-not-read\n');
      await symlink(`${outside}/secrets.yaml`, `${root}/connectors/escape.yaml`);
    },
    file: 'connectors/escape.yaml',
    line: 1,
    message: 'resolves (through a symbolic link) to a file outside the repository',
  },
];
