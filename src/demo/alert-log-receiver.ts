// The demo's alert receiver: a webhook endpoint on loopback that checks each request's HMAC signature the
// way a real receiver would, and prints the alerts it receives, so that the demo shows the whole path from
// a fault to a notification.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '../notify/receivers/webhook.js';

interface WebhookAlert {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface AlertLogReceiver {
  url: string;
  close(): Promise<void>;
}

function describeAlert(alert: WebhookAlert): string {
  const where = [alert.labels.chain, alert.labels.endpoint ?? alert.labels.slo].filter(Boolean).join('/');
  return (
    `${alert.status.toUpperCase()} ${alert.labels.alertname} ` +
    `(${alert.labels.severity}) ${where}: ${alert.annotations.summary ?? ''}`.trimEnd()
  );
}

export async function startAlertLogReceiver(options: {
  host: string;
  hmacKey: string;
  print: (line: string) => void;
}): Promise<AlertLogReceiver> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const check = verifyWebhookSignature({
        body,
        timestamp: request.headers['x-ere-timestamp'] as string | undefined,
        signature: request.headers['x-ere-signature'] as string | undefined,
        key: options.hmacKey,
        nowMs: Date.now(),
      });
      if (!check.valid) {
        options.print(`[webhook] refused a request: signature ${check.reason}`);
        response.writeHead(401).end();
        return;
      }
      try {
        const payload = JSON.parse(body) as { alerts: WebhookAlert[] };
        for (const alert of payload.alerts) options.print(`[webhook] ${describeAlert(alert)}`);
        response.writeHead(200).end('ok');
      } catch {
        response.writeHead(400).end('not JSON');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, options.host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/alerts`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
