import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/model.js';
import {
  COMMENT_LIMIT,
  SUMMARY_LIMIT_BYTES,
  commentMarker,
  legacyCommentMarker,
  fingerprintComment,
  readFingerprint,
  renderComment,
  renderSummary,
} from '../../src/report/markdown.js';
import type { CommentInput } from '../../src/report/markdown.js';
import { CONTEXT, WS1_ANALYTICS, WS1_DEFAULT, applied, bigPlan, item, makePlan } from './fixtures.js';

const MARKER = commentMarker('prod');
const FINGERPRINT = 'c0ffee'.repeat(10) + 'beef';

function comment(plan: Plan, extra: Partial<CommentInput> = {}): string {
  return renderComment({ plan, marker: MARKER, fingerprint: FINGERPRINT, context: CONTEXT, ...extra });
}

/** Table rows (lines starting with `|`) with the number of unescaped cell separators in each. */
function pipeCounts(markdown: string): number[] {
  return markdown
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) => (l.match(/\|/g) ?? []).length);
}

const mixed = makePlan(
  [
    item('register', 'kafka-orders'),
    item('replace', 'jdbc', { differences: ['sink: live true, declared false', 'lookup: live false, declared true'] }),
    item('delete', 'old-sink', { target: WS1_ANALYTICS }),
    item('unchanged', 'mysql'),
    item('unmanaged', 'stray', { target: WS1_ANALYTICS }),
  ],
  [{ target: WS1_DEFAULT, name: 'jdbc', message: 'formats not checked', location: { file: 'connectors/jdbc.yaml', line: 4 } }],
);

describe('markers and fingerprints', () => {
  it('builds a hidden marker with a sanitised key', () => {
    expect(commentMarker('prod')).toMatch(/^<!-- flink-connector-action:prod:[0-9a-f]{16} -->$/);
    // The whole key is hashed: keys the readable part cannot tell apart get different markers.
    expect(commentMarker('team a')).not.toBe(commentMarker('team_a'));
    expect(commentMarker(`${'x'.repeat(100)}1`)).not.toBe(commentMarker(`${'x'.repeat(100)}2`));
    expect(legacyCommentMarker('prod')).toBe('<!-- flink-connector-action:prod -->');
    expect(commentMarker('a --> <b>')).not.toMatch(/-->.*-->/);
  });

  it('writes the fingerprint so that it can be read back', () => {
    const body = comment(mixed);
    expect(body).toContain(fingerprintComment(FINGERPRINT));
    expect(readFingerprint(body)).toBe(FINGERPRINT);
    expect(readFingerprint(comment(mixed, { fingerprint: undefined }))).toBeUndefined();
    expect(readFingerprint('no comment here')).toBeUndefined();
  });

  it('rejects a fingerprint that is not hex, and a marker that is not one HTML comment', () => {
    expect(() => fingerprintComment('--> <script>')).toThrow();
    expect(() => comment(mixed, { marker: 'plain text' })).toThrow();
    expect(() => comment(mixed, { marker: '<!-- a --> b -->' })).toThrow();
  });

  it('cannot be fooled by a fingerprint-like connector name', () => {
    const plan = makePlan([item('register', `<!-- flink-connector-action:fingerprint:${'0'.repeat(64)} -->`)]);
    expect(readFingerprint(comment(plan, { fingerprint: undefined }))).toBeUndefined();
  });
});

describe('renderComment layout', () => {
  const body = comment(mixed);
  const lines = body.split('\n');

  it('puts marker, fingerprint, title and Plan line first, in that order', () => {
    expect(lines[0]).toBe(MARKER);
    expect(lines[1]).toBe(fingerprintComment(FINGERPRINT));
    const title = lines.indexOf('### Flink connectors plan: ws-1/analytics, ws-1/default');
    const planLine = lines.indexOf('**Plan: 1 to register, 1 to replace, 1 to delete.**');
    expect(title).toBeGreaterThan(1);
    expect(planLine).toBeGreaterThan(title);
    expect(lines.indexOf('> [!WARNING]')).toBeGreaterThan(planLine);
  });

  it('names the deleted and replaced connectors in a callout', () => {
    expect(body).toContain('> 1 connector will be deleted: old-sink (ws-1/analytics).');
    expect(body).toContain('> 1 connector will be replaced (deleted, then registered again): jdbc (ws-1/default).');
  });

  it('has one change table per target with the action in words, name and why, and no Type column', () => {
    // A register is one line: the target's heading says where, so no "not registered in <target>".
    expect(body).toContain('| **register** | kafka-orders | <details><summary>JAR kafka-orders.jar</summary>oss://bucket/connectors/kafka-orders.jar</details> |');
    expect(body).not.toContain('not registered in');
    expect(body).toContain(
      '| **replace** | jdbc | the live connector contradicts the definition<br>• sink: live true, declared false<br>• lookup: live false, declared true<br><details><summary>JAR jdbc.jar</summary>oss://bucket/connectors/jdbc.jar</details> |',
    );
    expect(body).toContain('| **delete** | old-sink | state: absent in connectors/kafka.yaml<br>Deletes: type old-sink |');
    expect(body).not.toContain('| Type |');
    expect(body).not.toContain('</details><br>');
    expect(lines.filter((l) => l.startsWith('#### ws-1/'))).toEqual(['#### ws-1/analytics', '#### ws-1/default']);
  });

  it('folds unchanged and unmanaged connectors away, and lists warnings', () => {
    expect(body).toContain('<details><summary>1 unchanged</summary>');
    expect(body).toContain('<details><summary>1 unmanaged</summary>');
    expect(body).toContain('<details><summary>1 unchanged</summary>\n\nmysql\n\n</details>');
    expect(body).toContain('- **ws-1/default · jdbc**: formats not checked (connectors/jdbc.yaml:4)');
  });

  it('ends with a footer: short sha, run link, ISO time in UTC', () => {
    expect(lines.at(-2)).toBe(
      '<sub>Commit `0123456` · [workflow run](https://github.com/acme/flink/actions/runs/42) · 2024-05-01T12:34:56Z · `pull_request`</sub>',
    );
  });

  it('does not link a run URL that is not http(s), and escapes a sha that is not hex', () => {
    const out = comment(mixed, { context: { ...CONTEXT, sha: '<b>nope</b>', runUrl: 'javascript:alert(1)' } });
    expect(out).not.toContain('javascript:');
    expect(out).toContain('Commit &lt;b&gt;nope&lt;/b&gt;');
  });

  it('abbreviates the title when there are many targets', () => {
    expect(comment(bigPlan(10, 10))).toContain('### Flink connectors plan: 10 targets\n');
  });

  it('shows the validation-only note', () => {
    expect(comment(mixed, { validationOnly: 'No credentials: only the definitions were checked.' })).toContain(
      '> [!NOTE]\n> No credentials: only the definitions were checked.',
    );
  });

  it('shows the outcome of the apply first, with the plan folded below it', () => {
    const out = comment(mixed, {
      applied: applied([
        { target: WS1_DEFAULT, name: 'kafka-orders', action: 'register', status: 'done', durationMs: 1200 },
        { target: WS1_ANALYTICS, name: 'old-sink', action: 'delete', status: 'done', durationMs: 300, tables: [{ catalogName: 'vvp', databaseName: 'default', tableName: 'orders' }] },
        { target: WS1_DEFAULT, name: 'jdbc', action: 'replace', status: 'failed', durationMs: 2000, message: 'JAR not found' },
      ]),
    });
    const lines = out.split('\n');
    expect(lines[2]).toBe('');
    expect(lines[3]).toBe('### Flink connectors: apply failed in ws-1/analytics, ws-1/default');
    expect(out).toContain('> [!CAUTION]\n> **1 of 3 failed:** `jdbc` (ws-1/default) — JAR not found. Fix the cause, then [re-run the apply](https://github.com/acme/flink/actions/runs/42)');
    expect(out).toContain('| Connector | Action | Result |');
    expect(out).toContain('| kafka-orders <sub>ws-1/default</sub> | register | ✅ done · 1.2 s |');
    expect(out).toContain('| old-sink <sub>ws-1/analytics</sub> | delete | ✅ done · 0.3 s<br>Tables built on it: vvp.default.orders |');
    expect(out).toContain('| jdbc <sub>ws-1/default</sub> | replace | ❌ failed · 2.0 s<br>JAR not found |');
    expect(out.indexOf('1 of 3 failed')).toBeLessThan(out.indexOf('<details><summary>The plan: Plan: 1 to register, 1 to replace, 1 to delete.</summary>'));
    expect(out.indexOf('will be deleted')).toBeGreaterThan(out.indexOf('<details><summary>The plan'));
    expect(out.indexOf('will be replaced')).toBeGreaterThan(out.indexOf('<details><summary>The plan'));
  });
});

describe('renderComment snapshots', () => {
  const cases: Record<string, CommentInput> = {
    'register-only': {
      plan: makePlan([item('register', 'kafka-orders'), item('register', 'hologres'), item('unchanged', 'mysql')]),
      marker: MARKER,
      fingerprint: FINGERPRINT,
      context: CONTEXT,
    },
    replace: {
      plan: makePlan([item('replace', 'jdbc', { differences: ['sink: live true, declared false'] }), item('unchanged', 'mysql')]),
      marker: MARKER,
      fingerprint: FINGERPRINT,
      context: CONTEXT,
    },
    delete: {
      plan: makePlan([item('delete', 'old-a'), item('delete', 'old-b', { target: WS1_ANALYTICS }), item('unmanaged', 'stray')]),
      marker: MARKER,
      fingerprint: FINGERPRINT,
      context: CONTEXT,
    },
    'no-op': {
      plan: makePlan([item('unchanged', 'mysql'), item('unchanged', 'kafka')], [], [WS1_ANALYTICS]),
      marker: MARKER,
      fingerprint: FINGERPRINT,
      context: CONTEXT,
      validationOnly: 'Planned without credentials: the definitions were checked, the workspace was not read.',
    },
    failure: {
      plan: makePlan([item('register', 'kafka-orders'), item('replace', 'jdbc'), item('delete', 'old')]),
      marker: MARKER,
      fingerprint: FINGERPRINT,
      context: { ...CONTEXT, eventName: 'push' },
      applied: applied([
        { target: WS1_DEFAULT, name: 'old', action: 'delete', status: 'done', durationMs: 640, tables: [{ catalogName: 'vvp', databaseName: 'default', tableName: 'legacy' }] },
        { target: WS1_DEFAULT, name: 'jdbc', action: 'replace', status: 'failed', durationMs: 3100, message: 'RegisterCustomConnector: the JAR at oss://bucket/connectors/jdbc.jar could not be read' },
        { target: WS1_DEFAULT, name: 'kafka-orders', action: 'register', status: 'skipped', durationMs: 0, message: 'not attempted after an earlier failure' },
      ]),
    },
  };

  for (const [name, input] of Object.entries(cases)) {
    it(`renders ${name}`, async () => {
      await expect(renderComment(input)).toMatchFileSnapshot(`./__snapshots__/comment-${name}.md`);
    });
  }

  it('renders the summary of the failure case', async () => {
    const input = cases.failure;
    if (input === undefined) throw new Error('missing case');
    await expect(renderSummary(input)).toMatchFileSnapshot('./__snapshots__/summary-failure.md');
  });
});

describe('renderComment size limit', () => {
  it('drops unchanged connectors first, and says so', () => {
    const items = [item('register', 'new-one')];
    for (let n = 0; n < 9000; n++) items.push(item('unchanged', `kept-${n}`));
    const out = comment(makePlan(items));
    expect(out.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(out).toContain('| **register** | new-one |');
    expect(out).not.toContain('unchanged</summary>');
    expect(out).toContain('leaves out the list of 9000 unchanged connectors');
    expect(out).toContain('job summary of [this workflow run](https://github.com/acme/flink/actions/runs/42)');
  });

  it('keeps a 3,000-connector plan under the limit, with the Plan line, marker and fingerprint', () => {
    const plan = bigPlan(3000, 3, ['register', 'replace', 'delete', 'unchanged']);
    const out = comment(plan);
    expect(out.length).toBeLessThan(COMMENT_LIMIT);
    expect(out.startsWith(`${MARKER}\n${fingerprintComment(FINGERPRINT)}\n`)).toBe(true);
    expect(out).toContain('**Plan: 750 to register, 750 to replace, 750 to delete.**');
    expect(out).toContain('| Target | Register | Replace | Delete |');
    expect(out).toContain('| ws-0000/default | 250 | 250 | 250 |');
    expect(out).toContain('job summary');
  });

  it('keeps a 30,000-connector plan over 500 targets under the limit', () => {
    const out = comment(bigPlan(30_000, 500, ['register', 'delete']));
    expect(out.length).toBeLessThan(COMMENT_LIMIT);
    expect(out).toContain('**Plan: 15000 to register, 0 to replace, 15000 to delete.**');
    expect(pipeCounts(out).filter((n) => n === 5).length).toBeGreaterThan(2);
  });

  it('cuts the count table when even that is too long', () => {
    const out = comment(bigPlan(5000, 5000), { limit: 20_000 });
    expect(out.length).toBeLessThanOrEqual(20_000);
    expect(out).toContain('**Plan: 5000 to register, 0 to replace, 0 to delete.**');
    expect(out).toMatch(/\d+ more targets with changes are not listed\./);
    expect(readFingerprint(out)).toBe(FINGERPRINT);
  });

  it('falls back to the essentials under a tiny limit', () => {
    const out = comment(bigPlan(300, 300), { limit: 1200 });
    expect(out.length).toBeLessThanOrEqual(1200);
    expect(out.startsWith(MARKER)).toBe(true);
    expect(readFingerprint(out)).toBe(FINGERPRINT);
    expect(out).toContain('**Plan: 300 to register, 0 to replace, 0 to delete.**');
  });

  it('caps long name lists in the callout', () => {
    const out = comment(bigPlan(100, 1, ['delete']));
    expect(out).toContain('> 100 connectors will be deleted: connector-000000, ');
    expect(out).toContain(' and 80 more.');
  });
});

describe('renderSummary', () => {
  it('lists every row of a 3,000-connector plan within 1 MiB', () => {
    const plan = bigPlan(3000, 7, ['register', 'replace', 'delete', 'unchanged', 'unmanaged']);
    const out = renderSummary({ plan, context: CONTEXT, fingerprint: FINGERPRINT });
    expect(Buffer.byteLength(out, 'utf8')).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    for (let n = 0; n < 3000; n++) expect(out).toContain(`| connector-${String(n).padStart(6, '0')} |`);
    // Changes first, as rows of the change tables; unchanged and unmanaged connectors folded under them.
    expect(out.split('\n').filter((l) => /^\| \*\*(register|replace|delete)\*\* \|/.test(l))).toHaveLength(1800);
    expect(out.split('\n').filter((l) => /^\| connector-\d+ \|$/.test(l))).toHaveLength(1200);
    expect(out).toMatch(/<details><summary>\d+ unchanged<\/summary>/);
    expect(out).toContain('**Plan: 600 to register, 600 to replace, 600 to delete.**');
    expect(out).not.toContain('size limit');
    expect(out).toContain('plan `c0ffeec0ffee`');
  });

  it('cuts rows with a note when the plan would exceed the limit, and never exceeds it', () => {
    const plan = bigPlan(12_000, 20);
    const out = renderSummary({ plan, context: CONTEXT, limitBytes: 200_000 });
    expect(Buffer.byteLength(out, 'utf8')).toBeLessThanOrEqual(200_000);
    const rows = out.split('\n').filter((l) => l.startsWith('| **register** |')).length;
    expect(rows).toBeGreaterThan(1000);
    expect(out).toContain(`the last ${12_000 - rows} rows are not shown`);
    expect(out.trimEnd().endsWith('</sub>')).toBe(true);
  });

  it('holds to 1 MiB by default with multi-byte names', () => {
    const items = [];
    for (let n = 0; n < 20_000; n++) items.push(item('register', `コネクタ-${n}-${'é'.repeat(20)}`));
    const out = renderSummary({ plan: makePlan(items), context: CONTEXT });
    expect(Buffer.byteLength(out, 'utf8')).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    expect(out).toContain('rows are not shown');
  });
});

describe('untrusted values render inert', () => {
  const hostile = '<script>alert(1)</script> | @someone `code` <!-- x --> #123 **bold** [l](http://e)';
  const plan = makePlan(
    [
      item('register', hostile, { type: 'type|with|pipes', reason: `reason\n| injected | row |`, jarUrl: 'oss://b/@x|y.jar' }),
      item('replace', 'ok', { differences: [hostile] }),
      item('unchanged', hostile),
    ],
    [{ target: WS1_DEFAULT, name: hostile, message: hostile }],
  );
  const result = applied([{ target: WS1_DEFAULT, name: hostile, action: 'register', status: 'failed', durationMs: 5, message: hostile, tables: [{ catalogName: '|', databaseName: '<!--', tableName: '@a' }] }]);
  const outputs = {
    comment: comment(plan, { applied: result, validationOnly: hostile }),
    summary: renderSummary({ plan, context: CONTEXT, applied: result, validationOnly: hostile }),
  };

  for (const [kind, out] of Object.entries(outputs)) {
    it(`in the ${kind}`, () => {
      for (const raw of ['<script', '@someone', '`code`', '#123', '**bold**', '[l]', '| injected']) expect(out).not.toContain(raw);
      // Only our own two hidden comments may open or close a comment.
      expect((out.match(/<!--/g) ?? []).length).toBe(kind === 'comment' ? 2 : 0);
      expect((out.match(/-->/g) ?? []).length).toBe(kind === 'comment' ? 2 : 0);
      // Each table keeps its column count on every row (header, delimiter and body rows).
      const tables = out.split(/\n\s*\n/).filter((block) => block.startsWith('|'));
      expect(tables.length).toBeGreaterThan(0);
      for (const table of tables) {
        const counts = pipeCounts(table);
        expect(new Set(counts).size, table).toBe(1);
      }
    });
  }
});
