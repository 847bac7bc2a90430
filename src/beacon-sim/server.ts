// The simulated beacon node over HTTP on 127.0.0.1 (node:http, so that long lists stream): routes matched
// by template, every request counted by route, 503 on data routes while syncing, and every connection
// closed while the node is down.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { BeaconSimOptions } from './chain.js';
import { sendError } from './encode.js';
import { ApiError, routes, type Route } from './routes.js';
import { BeaconSim } from './sim.js';

export interface StartBeaconSimOptions extends BeaconSimOptions {
  /** 0 (any free port) by default. */
  port?: number;
}

export interface RunningBeaconSim {
  /** e.g. `http://127.0.0.1:40123`, without a trailing slash. */
  url: string;
  sim: BeaconSim;
  close(): Promise<void>;
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

const compiled: CompiledRoute[] = routes.map((route) => {
  const names: string[] = [];
  const source = route.template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
});

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function startBeaconSim(options: StartBeaconSimOptions = {}): Promise<RunningBeaconSim> {
  const sim = new BeaconSim(options);
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    if (sim.isDown()) {
      req.socket.destroy();
      return;
    }
    handle(sim, req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, error instanceof Error ? error.message : String(error));
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    if (sim.isDown()) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const stopListening = sim.onDownChange((down) => {
    if (down) for (const socket of sockets) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    sim,
    close: async () => {
      stopListening();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function handle(sim: BeaconSim, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  const match = findRoute(method, url.pathname);
  if (!match) {
    sim.recordRequest(`${method} (unknown)`);
    await drain(req);
    sendError(res, 404, `Route not found: ${method} ${url.pathname}`);
    return;
  }
  sim.recordRequest(`${method} ${match.route.template}`);
  const text = await readBody(req);
  try {
    if (match.route.needsSync && sim.chain.node.syncing) {
      throw new ApiError(503, 'Beacon node is currently syncing and not serving request on that endpoint');
    }
    let body: unknown;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        throw new ApiError(400, 'Invalid request body: not JSON');
      }
    }
    await match.route.handle({ sim, chain: sim.chain, params: match.params, query: url.searchParams, body, res });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    sendError(res, error.status, error.message);
  }
}

function findRoute(method: string, pathname: string): { route: Route; params: Record<string, string> } | null {
  for (const { route, pattern, names } of compiled) {
    if (route.method !== method) continue;
    const found = pattern.exec(pathname);
    if (!found) continue;
    const params: Record<string, string> = {};
    names.forEach((name, i) => {
      params[name] = decodeURIComponent(found[i + 1] ?? '');
    });
    return { route, params };
  }
  return null;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req) {
    // Discarded: the route does not exist.
  }
}
