/**
 * Stopping the stack must not wait for clients: a browser tab left open holds a realtime
 * WebSocket, and Ctrl-C on `npm start` has to end it rather than hang until the tab closes.
 */
import { expect, it } from 'vitest';
import WebSocket from 'ws';
import { NO_FUNCTIONS, startTestStack } from '../helpers/stack.ts';
import { realtimeSocketUrl } from './realtime-helpers.ts';

it('stop() ends connected realtime sockets instead of waiting for them', async () => {
  const stack = await startTestStack({ functionsDir: NO_FUNCTIONS });
  const socket = new WebSocket(realtimeSocketUrl(stack, stack.keys.publishableKey));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const closed = new Promise((resolve) => socket.once('close', resolve));

  const outcome = await Promise.race([
    stack.stop().then(() => 'stopped'),
    new Promise((resolve) => setTimeout(() => resolve('still waiting'), 5_000)),
  ]);

  expect(outcome).toBe('stopped');
  await closed;
  expect(socket.readyState).toBe(WebSocket.CLOSED);
});
