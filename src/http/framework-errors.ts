// The answers fastify and Node's HTTP parser give on their own, before a route's schemas run, in the shape
// of every other error of the API: `{error, message, field?}`. Left alone they answer
// `{error: "Bad Request", code: "FST_ERR_…", statusCode}`, or `"Client Error"` for a malformed request.

import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

export interface ErrorBody {
  error: string;
  message: string;
  field?: string;
}

interface FrameworkError {
  code?: string;
  message: string;
  statusCode?: number;
}

/** find-my-way's limit on one path parameter (fastify's `maxParamLength`). */
export const maxParamLength = 100;

/**
 * The body and status of a 4xx fastify raised itself: an unreadable URL or body. The URL's problems are in
 * its path (`params`); the content-type parser's (`FST_ERR_CTP_*`: too large, unsupported type, invalid or
 * empty JSON) are the body's. Undefined for anything else, which is then not a client's fault.
 */
export function frameworkError(error: FrameworkError): { statusCode: number; body: ErrorBody } | undefined {
  const statusCode = error.statusCode;
  if (statusCode === undefined || statusCode < 400 || statusCode >= 500) return undefined;
  if (error.code === 'FST_ERR_BAD_URL')
    return {
      statusCode,
      body: { error: 'bad_request', message: 'params: the path is not validly percent-encoded UTF-8', field: 'params' },
    };
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return {
      statusCode,
      body: {
        error: 'bad_request',
        message: `params: a path parameter is longer than ${maxParamLength} characters`,
        field: 'params',
      },
    };
  }
  if (error.code?.startsWith('FST_ERR_CTP_'))
    return { statusCode, body: { error: 'bad_request', message: `body: ${error.message}`, field: 'body' } };
  return { statusCode, body: { error: 'bad_request', message: error.message } };
}

/** A request Node could not parse (no route ever sees it): answered on the socket, which is then closed. */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [statusCode, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'the request was not received in time']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'the request line and headers are larger than the server accepts']
        : [400, 'the request is not valid HTTP/1.1'];
  const body = JSON.stringify({ error: 'bad_request', message } satisfies ErrorBody);
  // The answer to a HEAD has no body: a client reading one would take its bytes for another answer.
  const raw = (error as { rawPacket?: Buffer }).rawPacket;
  const head = raw?.subarray(0, 5).toString('latin1') === 'HEAD ';
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\nContent-Type: application/json; ` +
        `charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${head ? '' : body}`,
    );
  }
  socket.destroy(error);
}
