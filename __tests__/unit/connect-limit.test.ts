import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { limitConnects } from '../../src/ververica/connect-limit.js';
import { CONNECT_TIMEOUT, toCloudError } from '../../src/ververica/errors.js';

describe('limitConnects', () => {
  it('destroys a connection that is not established in time, as a failure that never reached the service', async () => {
    limitConnects(50);
    // A name lookup that never answers: the connection can never be established, and no packet leaves.
    const socket = connect({ host: 'never.invalid', port: 443, lookup: () => undefined });
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => socket.once('error', resolve));
    expect(error.code).toBe(CONNECT_TIMEOUT);
    const classified = toCloudError(error, 'ListCustomConnectors', []);
    expect(classified.transient).toBe(true);
    expect(classified.ambiguous).toBe(false);
  });

  it('leaves an established connection alone', async () => {
    limitConnects(50);
    const { createServer } = await import('node:net');
    const server = createServer((s) => s.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const socket = connect({ host: '127.0.0.1', port });
    const received = await new Promise<string>((resolve, reject) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.once('end', () => setTimeout(() => resolve(text), 100));
      socket.once('error', reject);
    });
    expect(received).toBe('hello');
    expect(socket.destroyed || socket.readyState !== 'open').toBe(true);
    server.close();
  });
});
