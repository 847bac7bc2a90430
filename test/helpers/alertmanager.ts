// A real Alertmanager (Debian's prometheus-alertmanager) for tests: started on a free 127.0.0.1 port with
// its own temporary storage and a route that notifies one webhook, ready when returned, and stopped (with
// its files removed) by stop(). Receiver tests use it to see what Alertmanager itself does with alerts.

import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startLoopbackTool, toolBinary, toolVersion } from './loopback-tool.js';

export interface AlertmanagerOptions {
  /** Where Alertmanager sends its notifications (resolved ones too). */
  webhookUrl: string;
  /** The route's group_by; `['...']` makes one group per alert. */
  groupBy: readonly string[];
  /** A path prefix Alertmanager serves under (its external URL's path), such as `/am`; none by default. */
  pathPrefix?: string;
  /** A whole configuration to run instead of the webhook route (`webhookUrl` and `groupBy` are then unused). */
  config?: string;
  /** Basic auth on Alertmanager's own API; `passwordHash` is the bcrypt of `password` for its web config. */
  basicAuth?: { username: string; password: string; passwordHash: string };
}

export interface Alertmanager {
  /** `http://127.0.0.1:<port><pathPrefix>`, no credentials. */
  url: string;
  port: number;
  /** As `--version` prints it, such as `0.25.0`. */
  version: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export { freePort };

export function basicAuthHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

export async function startAlertmanager(options: AlertmanagerOptions): Promise<Alertmanager> {
  const binary = toolBinary('prometheus-alertmanager', 'prometheus-alertmanager');
  const version = toolVersion(binary);
  const dir = mkdtempSync(join(tmpdir(), 'ere-alertmanager-'));
  const groupBy = options.groupBy.map((label) => `'${label}'`).join(', ');
  // Notified at once and regrouped every second, so that the webhook sees each transition within a second.
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    options.config ??
      `route: { receiver: capture, group_by: [${groupBy}], group_wait: 0s, group_interval: 1s, repeat_interval: 1h }
receivers: [{ name: capture, webhook_configs: [{ url: '${options.webhookUrl}', send_resolved: true }] }]
`,
  );
  const auth = options.basicAuth;
  const headers: Record<string, string> = auth ? { authorization: basicAuthHeader(auth.username, auth.password) } : {};
  if (auth) writeFileSync(join(dir, 'web.yml'), `basic_auth_users: { ${auth.username}: '${auth.passwordHash}' }\n`);
  const tool = await startLoopbackTool({
    name: 'Alertmanager',
    binary,
    dir,
    ...(options.pathPrefix ? { pathPrefix: options.pathPrefix } : {}),
    readyHeaders: headers,
    flags: (port, attempt, url) => [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      ...(auth ? [`--web.config.file=${join(dir, 'web.yml')}`] : []),
      `--storage.path=${join(dir, `data-${attempt}`)}`,
      '--cluster.listen-address=',
      `--web.listen-address=127.0.0.1:${port}`,
      ...(options.pathPrefix ? [`--web.external-url=${url}`] : []),
      '--log.level=warn',
    ],
  });
  return { ...tool, version };
}
