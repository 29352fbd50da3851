/**
 * The Alibaba Cloud runtimes (`@darabonba/typescript`, `@alicloud/tea-typescript`) build request
 * URLs with `url.parse()`, which Node 24 deprecates (DEP0169): left alone, every run's log starts
 * with that warning, which the user can do nothing about. Our own code builds URLs with WHATWG
 * `URL`; this drops that one warning and lets every other one through.
 */
const QUIET = new Set(['DEP0169']);

type EmitWarning = typeof process.emitWarning;

function codeOf(warning: string | Error, rest: unknown[]): unknown {
  if (warning instanceof Error && 'code' in warning) return warning.code;
  const [typeOrOptions, code] = rest;
  if (typeof typeOrOptions === 'object' && typeOrOptions !== null && 'code' in typeOrOptions) return typeOrOptions.code;
  return code;
}

/** Installs the filter; returns what undoes it. */
export function quietRuntimeDeprecations(): () => void {
  const original: EmitWarning = process.emitWarning;
  const filtered = function (this: unknown, warning: string | Error, ...rest: unknown[]): void {
    if (QUIET.has(String(codeOf(warning, rest)))) return;
    (original as (...args: unknown[]) => void).call(process, warning, ...rest);
  };
  process.emitWarning = filtered as EmitWarning;
  return () => {
    process.emitWarning = original;
  };
}
