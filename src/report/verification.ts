/**
 * The verification of a replace as one table cell part: per deployment, whether its SQL validates
 * (the plan's baseline: `validates` / `fails: line 5: …`) or what the replace did to it (the apply:
 * verified, regressed, already invalid, unknown, not verified). Capped per list like the impact.
 */
import type { DeploymentCheck, Verification } from '../model.js';
import { escapeMarkdown as esc } from './escape.js';

const LABELS: Readonly<Record<DeploymentCheck['result'], string>> = {
  validates: 'validates',
  fails: 'fails',
  verified: 'verified',
  regressed: '**regressed**',
  'already-invalid': 'already invalid before',
  unknown: 'unknown',
  'not-verified': 'not verified',
};

function checkText(d: DeploymentCheck, maxChars: number): string {
  const detail = d.message && d.result !== 'verified' && d.result !== 'validates' ? `: ${esc(d.message, maxChars)}` : '';
  return `${esc(d.name, maxChars)}: ${LABELS[d.result]}${detail}`;
}

/** `**SQL validation:** orders-etl: validates; audit: fails: line 5: …`, or undefined when there is none. */
export function verificationCell(v: Verification | undefined, maxNames: number, maxChars: number): string | undefined {
  if (v === undefined) return undefined;
  if (v.unverified) return `**SQL validation:** not verified (${esc(v.unverified, maxChars)})`;
  const all = [...(v.statements ?? []), ...v.deployments];
  if (all.length === 0) return undefined;
  const shown = all.slice(0, maxNames).map((d) => checkText(d, maxChars));
  const more = all.length > shown.length ? `; … and ${all.length - shown.length} more` : '';
  return `**SQL validation:** ${shown.join('; ')}${more}`;
}
