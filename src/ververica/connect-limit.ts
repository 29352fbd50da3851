/**
 * Bounds how long opening a connection may take, apart from how long an answer may take.
 *
 * The runtime's HTTP layer (httpx) uses its `connectTimeout` as the socket's idle timeout too, so
 * a connect bound there would also cut off any answer slower than it. Instead every outgoing TCP
 * connection of the process is watched from its creation (`net.client.socket`) and destroyed when
 * it is not established within the limit. Only the tightest limit asked for applies.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { CONNECT_TIMEOUT } from './errors.js';

/** A connection that is not established after this long is given up (a later attempt may retry). */
export const MAX_CONNECT_MS = 10_000;

let limitMs: number | undefined;

function watch(message: unknown): void {
  const socket = (message as { socket?: Socket }).socket;
  const ms = limitMs;
  if (!socket || ms === undefined) return;
  const timer = setTimeout(() => {
    const error = Object.assign(new Error(`${CONNECT_TIMEOUT}: no connection within ${ms} ms. `), { code: CONNECT_TIMEOUT });
    socket.destroy(error);
  }, ms);
  timer.unref();
  const done = (): void => clearTimeout(timer);
  socket.once('connect', done);
  socket.once('close', done);
}

/** Applies a connect bound of `ms` (at most `MAX_CONNECT_MS`) to every connection opened from now on. */
export function limitConnects(ms: number): void {
  const bound = Math.min(ms, MAX_CONNECT_MS);
  if (limitMs === undefined) subscribe('net.client.socket', watch);
  limitMs = Math.min(limitMs ?? bound, bound);
}
