/** "Did you mean …?" for misspelt keys. Pure. */

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and
 * swaps of two neighbouring characters each cost 1 (a swap is the most common
 * typo, `conenctor`, so it should not cost 2).
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i++) {
    const row = d[i] ?? [];
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The known word closest to `word`, if it is close enough to be a plausible
 * typo: at most a third of the word's length (and at least 1, at most 3) edits.
 * Case and `-`/`_` differences count as near misses (`connector-type`).
 */
export function closest(word: string, known: readonly string[]): string | undefined {
  const normalized = word.toLowerCase().replace(/-/g, '_');
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(normalized, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/**
 * Names people bring from the API (`namespace`, `workspace`, `jarUrl`) and
 * from the action's inputs: too far from our field names for `closest`.
 */
const ALIASES: Readonly<Record<string, string>> = {
  namespace: 'namespace_name',
  workspace: 'workspace_id',
  workspaceid: 'workspace_id',
  name: 'connector_name',
  type: 'connector_type',
  jar: 'jar_url',
  jarurl: 'jar_url',
};

/**
 * Longest key a suggestion is looked for: a typo of a known key is about as long as it, and the edit
 * distance costs the product of both lengths (a 1 MiB key would take minutes and gigabytes).
 */
export const SUGGEST_MAX_LENGTH = 64;

/** The known key `key` most likely stands for: a known alias, else the closest plausible typo. */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  if (key.length > SUGGEST_MAX_LENGTH) return undefined;
  const alias = ALIASES[key.toLowerCase().replace(/[-_]/g, '')];
  if (alias !== undefined && known.includes(alias)) return alias;
  return closest(key, known);
}
