import { describe, expect, it } from 'vitest';
import { renderApplyText } from '../../src/report/text.js';
import { WS1_DEFAULT } from './fixtures.js';

describe('renderApplyText for a log that already reported each change', () => {
  it('repeats only what did not finish, and counts everything', () => {
    const text = renderApplyText(
      {
        ok: false,
        outcomes: [
          { target: WS1_DEFAULT, name: 'good', action: 'register', status: 'done', durationMs: 1200 },
          { target: WS1_DEFAULT, name: 'bad', action: 'register', status: 'failed', durationMs: 300, message: 'JarNotFound' },
        ],
      },
      { unfinishedOnly: true },
    );
    expect(text).not.toContain('good');
    expect(text).toContain('failed to register bad in ws-1/default (0.3 s): JarNotFound');
    expect(text).toContain('Apply: 1 done, 1 failed, 0 skipped.');
  });
});
