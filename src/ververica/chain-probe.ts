/**
 * Whether a pull request can be planned. Without credentials given as inputs, the standard Alibaba
 * Cloud credential chain decides: it also finds an ECS instance role (metadata) and the profiles in
 * `~/.aliyun/config.json` and `~/.alibabacloud/credentials`, which no environment variable shows.
 */
import type { Settings } from '../settings.js';
import { credentialsLibrary } from './credentials-lib.js';

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

/** Why a pull request gets validation only, or undefined when it can be planned. */
export async function whyValidationOnly(
  settings: Pick<Settings, 'event' | 'credentials' | 'oidc'>,
  probe: ChainProbe = probeCredentialChain,
): Promise<string | undefined> {
  if (settings.event.fromFork) return 'this pull request comes from a fork, which gets no secrets';
  if (settings.credentials !== undefined || settings.oidc !== undefined) return undefined;
  const failure = await probe(CHAIN_PROBE_MS);
  return failure === undefined ? undefined : `the Alibaba Cloud credential chain found no credentials (${failure})`;
}
