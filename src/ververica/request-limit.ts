/**
 * Ends a request at its limit, socket and all, and bounds connecting apart from answering.
 *
 * The runtime (httpx under @darabonba/typescript) takes no abort signal and hands out no socket, and
 * its `connectTimeout` is also the socket's idle timeout, so neither bound can be set through it.
 * Instead every HTTP(S) request the process starts is seen on the `http.client.request.start`
 * diagnostics channel, and belongs to the call in whose async context it started: when that call's
 * limit passes, its requests are destroyed (the socket does not outlive the limit), and a request
 * whose connection (TCP, and for HTTPS the TLS handshake) is not established within the connect
 * bound is destroyed as one that never reached the service. This works alike for HTTP and HTTPS on
 * every supported Node version, unlike `net.client.socket`, which Node 20 does not publish for TLS.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import { CONNECT_TIMEOUT } from './errors.js';

/** A connection that is not established after this long is given up (a later attempt may retry). */
export const MAX_CONNECT_MS = 10_000;

interface Call {
  readonly connectMs: number;
  readonly requests: Set<ClientRequest>;
  /** Requests whose connection is not established yet. */
  readonly connecting: Set<ClientRequest>;
}

const calls = new AsyncLocalStorage<Call>();
let subscribed = false;

const connectError = (ms: number): Error => Object.assign(new Error(`${CONNECT_TIMEOUT}: no connection within ${ms} ms. `), { code: CONNECT_TIMEOUT });

function watchConnect(call: Call, request: ClientRequest, socket: Socket): void {
  // A kept-alive connection is established already; a new one is once TCP (and TLS) is up.
  if (request.reusedSocket || (!socket.connecting && !('encrypted' in socket))) return;
  call.connecting.add(request);
  const timer = setTimeout(() => request.destroy(connectError(call.connectMs)), call.connectMs);
  timer.unref();
  const done = (): void => {
    clearTimeout(timer);
    call.connecting.delete(request);
  };
  socket.once('encrypted' in socket ? 'secureConnect' : 'connect', done);
  socket.once('close', done);
}

function onRequestStart(message: unknown): void {
  const call = calls.getStore();
  const request = (message as { request?: ClientRequest }).request;
  if (!call || !request) return;
  call.requests.add(request);
  request.once('close', () => call.requests.delete(request));
  if (request.socket) watchConnect(call, request, request.socket);
  else request.once('socket', (socket: Socket) => watchConnect(call, request, socket));
}

/**
 * Runs `call`, ending it at `limitMs`: the requests it started are destroyed, and the promise
 * rejects with `timedOut(neverConnected)`, where `neverConnected` says that a request of it was
 * still connecting (it never reached the service). Connecting is bounded by
 * min(`limitMs`, `MAX_CONNECT_MS`) on its own.
 */
export async function withinLimit<T>(limitMs: number, call: () => Promise<T>, timedOut: (neverConnected: boolean) => Error): Promise<T> {
  if (!subscribed) {
    subscribe('http.client.request.start', onRequestStart);
    subscribed = true;
  }
  const state: Call = { connectMs: Math.min(limitMs, MAX_CONNECT_MS), requests: new Set(), connecting: new Set() };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(timedOut(state.connecting.size > 0));
      for (const request of state.requests) request.destroy();
    }, limitMs);
  });
  try {
    return await Promise.race([calls.run(state, call), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
