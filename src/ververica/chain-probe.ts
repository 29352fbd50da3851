/**
 * Whether a pull request can be planned. Without credentials given as inputs, the standard Alibaba
 * Cloud credential chain decides: it also finds an ECS instance role (metadata) and the profiles in
 * `~/.aliyun/config.json` and `~/.alibabacloud/credentials`, which no environment variable shows.
 */
import type { Settings } from '../settings.js';
import { credentialsLibrary } from './credentials-lib.js';
import { noCredentials } from './errors.js';

/** Generous for the instance metadata service (1 s per request in the library), short enough to stay a check. */
export const CHAIN_PROBE_MS = 10_000;

/** Asks the chain for a credential; resolves with the reason it found none, or undefined. */
export type ChainProbe = (timeoutMs: number) => Promise<string | undefined>;

export const probeCredentialChain: ChainProbe = async (timeoutMs) => {
  const Credential = credentialsLibrary.Credential();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`it gave no answer within ${timeoutMs / 1000} s`), timeoutMs);
  });
  try {
    const asked = new Credential().getCredential().then(
      (c) => (c.accessKeyId ? undefined : 'it returned an empty credential'),
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    return await Promise.race([asked, late]);
  } finally {
    clearTimeout(timer);
  }
};

/** Whether the run can call the API, and if not, whether that is by design or a mistake to fail on. */
export type CredentialCheck =
  | { readonly ok: true }
  /** A pull request that gets no secrets by design (a fork, Dependabot): it is validated only. */
  | { readonly validationOnly: string }
  /** No credentials where there should be some: the run fails with this message, before any call. */
  | { readonly missing: string };

/**
 * Checks, before any call, that the run has credentials. A pull request from a fork is validated
 * only (it gets no secrets, and its files must not be planned with the base's); so is one from
 * Dependabot without credentials (its runs get Dependabot's secrets only). Anything else without
 * credentials is a misconfiguration (a misspelt secret name reads as an empty input): it fails
 * naming what to set, instead of passing as "validation only" or failing later at the first call.
 */
export async function checkCredentials(
  settings: Pick<Settings, 'event' | 'credentials' | 'oidc' | 'cloudAccess'>,
  pullRequest: boolean,
  probe: ChainProbe = probeCredentialChain,
): Promise<CredentialCheck> {
  if (pullRequest && settings.event.fromFork) return { validationOnly: 'this pull request comes from a fork, which gets no secrets' };
  if (settings.credentials !== undefined || settings.oidc !== undefined) return { ok: true };
  const failure = await probe(CHAIN_PROBE_MS);
  if (failure === undefined) return { ok: true };
  if (pullRequest && settings.event.fromDependabot) {
    return { validationOnly: 'this pull request comes from Dependabot, whose runs get only Dependabot secrets, and no Alibaba Cloud credentials were found' };
  }
  return { missing: noCredentials(failure, settings.cloudAccess) };
}
