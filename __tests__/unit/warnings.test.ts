import { afterEach, describe, expect, it } from 'vitest';
import { quietRuntimeDeprecations } from '../../src/warnings.js';

describe('quietRuntimeDeprecations', () => {
  const seen: string[] = [];
  const listen = (w: Error & { code?: string }): void => {
    seen.push(w.code ?? w.name);
  };
  let undo: (() => void) | undefined;
  afterEach(() => {
    undo?.();
    process.off('warning', listen);
    seen.length = 0;
  });

  it('drops only the url.parse() deprecation (DEP0169), in each form emitWarning takes', async () => {
    process.on('warning', listen);
    undo = quietRuntimeDeprecations();
    process.emitWarning('`url.parse()` behavior is not standardized', 'DeprecationWarning', 'DEP0169');
    process.emitWarning('`url.parse()` behavior is not standardized', { type: 'DeprecationWarning', code: 'DEP0169' });
    process.emitWarning('process.binding() is deprecated', 'DeprecationWarning', 'DEP0111');
    process.emitWarning('something else');
    // Warnings are delivered on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['DEP0111', 'Warning']);
  });
});
