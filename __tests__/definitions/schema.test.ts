import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseDocuments } from '../../src/definitions/parse.js';
import { NAME_MAX_LENGTH, NAME_PATTERN } from '../../src/definitions/validate.js';

const schemaPath = fileURLToPath(new URL('../../schema/connector-definitions.schema.json', import.meta.url));
const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as {
  definitions: Record<string, { properties?: Record<string, unknown> }>;
};
const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(schema);

function documentsOf(fixture: string): unknown[] {
  const text = readFileSync(fileURLToPath(new URL(`../../__fixtures__/definitions/${fixture}`, import.meta.url)), 'utf8');
  return parseDocuments(text).documents.flatMap((d) => (d.value === null ? [] : [d.value]));
}

describe('the definitions schema', () => {
  it('describes every field, for editors', () => {
    for (const name of ['connector', 'file']) {
      const properties = schema.definitions[name]?.properties ?? {};
      expect(Object.keys(properties).length).toBeGreaterThan(0);
      for (const [key, property] of Object.entries(properties)) {
        const own = (property as { description?: string; $ref?: string }).description;
        const ref = (property as { $ref?: string }).$ref;
        const referenced = ref ? (schema.definitions[ref.replace('#/definitions/', '')] as { description?: string }).description : undefined;
        expect(own ?? referenced, `${name}.${key}`).toMatch(/\w/);
      }
    }
  });

  it('validates both forms of the good fixtures as they are', () => {
    const docs = [
      ...documentsOf('good/connectors/kafka.yaml'),
      ...documentsOf('good/connectors/team-b/warehouse.yml'),
      ...documentsOf('good/connectors/defaults.yaml'),
    ];
    expect(docs.length).toBe(4);
    for (const doc of docs) expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects jar URLs with credentials and other schemes', () => {
    const base = { connector_name: 'a', connector_type: 'a' };
    expect(validate({ ...base, jar_url: 'https://u:p@h/a.jar' })).toBe(false);
    expect(validate({ ...base, jar_url: 'https://u@h/a.jar' })).toBe(false);
    expect(validate({ ...base, jar_url: 'ftp://h/a.jar' })).toBe(false);
    expect(validate({ ...base, jar_url: 'https://h/path@v2/a.jar' })).toBe(true);
    expect(validate({ ...base, jar_url: 'oss://bucket/a.jar' })).toBe(true);
  });

  it('bounds names as documented', () => {
    expect(NAME_PATTERN.test('kafka-avro_2.1')).toBe(true);
    expect(NAME_PATTERN.test('9lives')).toBe(true);
    for (const bad of ['-x', '.x', '_x', 'a b', 'a/b', 'a:b', 'é', '']) expect(NAME_PATTERN.test(bad), bad).toBe(false);
    expect(NAME_MAX_LENGTH).toBe(128);
  });
});
