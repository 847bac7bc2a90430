// docker-compose.yml as the tests read it: parsed with the yaml package, `${VAR:-default}` resolved the way
// Compose does with the variable unset, and the short volume syntax split into source and target.

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface ComposeHealthcheck {
  test: string[];
  interval?: string;
  timeout?: string;
  start_period?: string;
  retries?: number;
}

export interface ComposeService {
  image?: string;
  build?: string | { context: string };
  command?: string[];
  user?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  tmpfs?: string[];
  ports?: string[];
  healthcheck?: ComposeHealthcheck;
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
  stop_grace_period?: string;
}

export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export function readCompose(file: string): ComposeFile {
  return parse(readFileSync(file, 'utf8')) as ComposeFile;
}

/** `${VAR:-default}` and `${VAR-default}` with VAR taken from `env`; `${VAR}` unset is empty, as in Compose. */
export function interpolate(value: string, env: Readonly<Record<string, string>> = {}): string {
  return value.replace(
    /\$\{(\w+)(?::?-([^}]*))?\}/g,
    (_whole, name: string, fallback: string | undefined) => env[name] || (fallback ?? ''),
  );
}

export interface Mount {
  /** A host path (bind mount) or a volume name. */
  source: string;
  target: string;
  readOnly: boolean;
  bind: boolean;
}

export function parseMount(spec: string): Mount {
  const [source, target, mode] = spec.split(':');
  if (!source || !target) throw new Error(`not a SOURCE:TARGET volume: ${spec}`);
  return { source, target, readOnly: mode === 'ro', bind: source.startsWith('.') || source.startsWith('/') };
}

export interface PublishedPort {
  hostIp: string;
  hostPort: number;
  containerPort: number;
}

export function parsePort(spec: string, env: Readonly<Record<string, string>> = {}): PublishedPort {
  const match = /^(?:(.+):)?(\d+):(\d+)$/.exec(interpolate(spec, env));
  if (!match) throw new Error(`not an IP:HOST:CONTAINER port: ${spec}`);
  return { hostIp: match[1] ?? '0.0.0.0', hostPort: Number(match[2]), containerPort: Number(match[3]) };
}
