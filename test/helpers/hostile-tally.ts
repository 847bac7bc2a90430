// What both hostile servers keep of each answer: counts by name, how each answer ended (finished with its
// status, cut short, or never answered), and timers tied to a socket, all cleared when the server closes.

import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Counts in `statuses` how the answer ended, once its connection closes. */
export function tallyAnswer(response: ServerResponse, statuses: Map<string, number>): void {
  response.once('close', () =>
    count(
      statuses,
      response.writableFinished
        ? String(response.statusCode)
        : response.headersSent
          ? `${response.statusCode} cut short`
          : 'no HTTP answer',
    ),
  );
}

/** `every(ms, fn)` for one socket: runs fn until the socket closes; `timers` holds them for the server's close. */
export function socketTimers(socket: Socket, timers: Set<NodeJS.Timeout>) {
  return (ms: number, fn: () => void): void => {
    const timer = setInterval(() => (socket.destroyed ? clearInterval(timer) : fn()), ms);
    timers.add(timer);
    socket.once('close', () => {
      clearInterval(timer);
      timers.delete(timer);
    });
  };
}
