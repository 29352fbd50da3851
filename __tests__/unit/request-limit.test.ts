import { type RequestOptions, request } from 'node:http';
import { type Socket, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CONNECT_TIMEOUT, toCloudError } from '../../src/ververica/errors.js';
import { withinLimit } from '../../src/ververica/request-limit.js';

/** One GET, resolving with the status, as the runtime's request would. */
const get = (options: RequestOptions): Promise<number> =>
  new Promise((resolve, reject) => {
    const req = request(options, (res) => resolve(res.statusCode ?? 0));
    req.on('error', reject);
    req.end();
  });

describe('withinLimit', () => {
  it('ends a request at its limit, socket included, as one that reached the service', async () => {
    let closedAfter: number | undefined;
    const server = createServer((socket: Socket) => {
      const opened = Date.now();
      socket.resume();
      socket.once('close', () => (closedAfter = Date.now() - opened));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const outcome = await withinLimit(300, () => get({ host: '127.0.0.1', port, agent: false }), (neverConnected) => new Error(`limit; never connected: ${neverConnected}`)).catch((e: Error) => e.message);
    expect(outcome).toBe('limit; never connected: false');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closedAfter).toBeGreaterThanOrEqual(250);
    expect(closedAfter).toBeLessThan(400);
    server.close();
  });

  it('a connection that never opens is one that never reached the service', async () => {
    // A name lookup that never answers: the connection can never be established, and no packet leaves.
    const outcome = await withinLimit(200, () => get({ host: 'never.invalid', port: 80, agent: false, lookup: () => undefined }), (neverConnected) =>
      Object.assign(new Error('limit'), { code: neverConnected ? CONNECT_TIMEOUT : 'RequestTimeout' }),
    ).catch((e: unknown) => e);
    const classified = toCloudError(outcome, 'ListCustomConnectors', []);
    expect(classified.code).toBe(CONNECT_TIMEOUT);
    expect(classified.transient).toBe(true);
    expect(classified.ambiguous).toBe(false);
  });

  it('leaves requests outside a limited call alone', async () => {
    const server = createServer((socket: Socket) => socket.end('HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await withinLimit(100, async () => 0, () => new Error('limit'));
    expect(await get({ host: '127.0.0.1', port, agent: false })).toBe(204);
    server.close();
  });
});
