import { describe, expect, it } from 'vitest';
import { judge, regressionText, verificationLine } from '../../src/apply/verify.js';
import { verificationCell } from '../../src/report/verification.js';

const valid = { verdict: 'valid' } as const;
const invalid = { verdict: 'invalid', message: "Unsupported options found for 'k'", line: 5, column: 3 } as const;
const unknown = { verdict: 'unknown', message: 'no answer' } as const;

describe('judging a deployment across a replace', () => {
  it('valid before and after: verified; valid before, invalid after: regressed with the place', () => {
    expect(judge('a', valid, valid)).toEqual({ name: 'a', result: 'verified' });
    expect(judge('a', valid, invalid)).toEqual({ name: 'a', result: 'regressed', message: "line 5, column 3: Unsupported options found for 'k'", line: 5, column: 3 });
  });

  it('invalid before is already invalid, whatever after says', () => {
    expect(judge('a', invalid, invalid).result).toBe('already-invalid');
    expect(judge('a', invalid, valid).result).toBe('already-invalid');
  });

  it('an unknown on either side is never a regression', () => {
    expect(judge('a', unknown, invalid).result).toBe('unknown');
    expect(judge('a', valid, unknown)).toEqual({ name: 'a', result: 'unknown', message: 'no answer' });
    expect(judge('a', unknown, valid).result).toBe('verified');
    expect(judge('a', valid, undefined).result).toBe('not-verified');
  });

  it('reports name each regressed deployment, count the rest, and cap the cell', () => {
    const v = { deployments: [judge('etl', valid, invalid), judge('ok', valid, valid), { name: 'far', result: 'not-verified' as const }] };
    expect(regressionText(v)).toBe("etl: line 5, column 3: Unsupported options found for 'k'");
    expect(verificationLine(v)).toBe('1 of 3 deployment(s) validate after the replace, 1 regressed, 1 not verified (verify-limit)');
    expect(verificationCell(v, 2, 500)).toMatch(/^\*\*SQL validation:\*\* etl: \*\*regressed\*\*: line 5, column 3: .*; ok: verified; … and 1 more$/);
    expect(verificationCell({ deployments: [], unverified: 'missing RAM permission stream:ValidateSqlStatement' }, 5, 500)).toContain('not verified (missing RAM permission');
  });
});
