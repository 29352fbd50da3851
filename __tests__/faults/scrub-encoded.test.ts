/**
 * A server that echoes secrets back, in pieces and in other spellings: an error page that shows the
 * request's headers (HTML-escaped, and long enough that a cut excerpt would keep a prefix of the
 * STS token), and an error message with the token URL-encoded. No piece of a secret may reach the
 * log, the summary, the outputs or the PR comment, and no raw server page reaches the comment.
 */
import { describe, expect, it } from 'vitest';
import { everythingOnGitHub, everythingWritten } from '../support/fault-kit.js';
import { type World, connectorYaml, worldPerTest } from '../support/world.js';

const SEGMENTS = ['Ab12Cd34Ef56Gh78Ij90Kl12', 'Mn34Op56Qr78St90Uv12Wx34', 'Yz56Ab78Cd90Ef12Gh34Ij56', 'Kl78Mn90Op12Qr34St56Uv78'];
/** Shaped like an STS token: long, base64 with `+`, `/` and `=`. */
const KEY = { accessKeyId: 'STS.NScrubTestKey0001', accessKeySecret: 'scrub-Secret-Value-0987', securityToken: `CAIS${SEGMENTS.join('+')}/${'Zz'.repeat(40)}==` };
const PR = 41;

let world: World;
worldPerTest({ key: KEY }, (w) => (world = w));

const plan = () =>
  world.plan({
    pr: PR,
    inputs: { 'access-key-id': KEY.accessKeyId, 'access-key-secret': KEY.accessKeySecret, 'security-token': KEY.securityToken, 'request-timeout': '2s', 'max-retries': '0' },
    killAfterMs: 45_000,
  });

function pieces(text: string): string[] {
  return [...SEGMENTS, 'Zz'.repeat(8), KEY.accessKeySecret].filter((piece) => text.includes(piece));
}

describe('secrets a server echoes back', () => {
  it('an error page echoing the request headers, HTML-escaped: no piece of the token is shown, and no page in the comment', async () => {
    await world.write({ 'connectors/kafka.yaml': connectorYaml({ connector_name: 'kafka', connector_type: 'kafka', jar_url: 'oss://b/k.jar' }) });
    world.emulator.injectFault({ action: 'ListCustomConnectors', kind: 'http', status: 502, code: 'BadGateway', body: 'echo', times: Infinity });
    const run = await plan();
    expect(run.exitCode, run.stdout).toBe(1);
    expect(run.stdout).toContain('HTTP 502');
    expect(pieces(everythingWritten(run))).toEqual([]);
    const comments = everythingOnGitHub(world.github, [PR]);
    expect(pieces(comments)).toEqual([]);
    expect(comments).not.toMatch(/x-acs-|&lt;(html|table|td)/i);
  });

  it('an error message with the token URL-encoded', async () => {
    await world.write({ 'connectors/kafka.yaml': connectorYaml({ connector_name: 'kafka', connector_type: 'kafka', jar_url: 'oss://b/k.jar' }) });
    world.emulator.injectFault({ action: 'ListCustomConnectors', kind: 'business', errorCode: 'Echo', errorMessage: `token ${encodeURIComponent(KEY.securityToken)} is not allowed here` });
    const run = await plan();
    expect(run.exitCode, run.stdout).toBe(1);
    expect(run.stdout).toContain('Echo');
    expect(pieces(everythingWritten(run)), everythingWritten(run).split('\n').filter((l) => pieces(l).length > 0).join('\n')).toEqual([]);
    expect(pieces(everythingOnGitHub(world.github, [PR]))).toEqual([]);
  });
});
