// Pushes alerts to Alertmanager's API (`POST /api/v2/alerts`) the way Prometheus does, so that Alertmanager
// routes, groups, silences and inhibits them with everything else. Each firing alert is sent with an endsAt a
// few re-send intervals ahead: Alertmanager keeps it active only while ERE keeps re-sending it, and resolves
// it by itself if ERE stops. Labels are the alert's own, so that replicas pushing one alert make one alert.

import { z } from 'zod';
import type { Notification } from '../../domain/alert.js';
import { httpHeaders } from '../../domain/fields.js';
import { urlHost, urlSecrets } from '../../log/redact.js';
import { basicAuthorization, postJson, splitUrlCredentials } from '../http-post.js';
import { defineReceiverKind } from '../receiver.js';

/** Prometheus re-sends firing alerts every minute (its `--rules.alert.resend-delay`). */
const resendIntervalMs = 60_000;
/** Prometheus' endsAt for a firing alert: now + 4 × the re-send delay, so three lost re-sends are survived. */
const firingValidityMs = 4 * resendIntervalMs;
/** A test alert resolves by itself soon: it is not a real problem. */
const testValidityMs = 5 * 60_000;

export const alertmanagerConfigSchema = z
  .strictObject({
    kind: z.literal('alertmanager'),
    url: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL, such as "http://alertmanager:9093"' })
      .describe(
        "Alertmanager's base URL, with its path prefix if it has one (`--web.route-prefix`); alerts go " +
          'to `<url>/api/v2/alerts`. Credentials in it are used as basic auth and never shown.',
      ),
    headers: httpHeaders().describe(
      'HTTP headers sent with every request, such as `X-Scope-OrgID` ' +
        'for a multi-tenant Mimir or Cortex Alertmanager; ' +
        'their values are treated as secrets. No `Authorization` when `basicAuth` or the URL holds credentials.',
    ),
    basicAuth: z
      .strictObject({
        username: z.string().min(1).describe('The basic auth user name.'),
        password: z.string().describe('The basic auth password; put it in the environment with `${VAR}`.'),
      })
      .optional()
      .describe(
        'HTTP basic auth for Alertmanager; credentials go in one place ' +
          'only: here, in the URL, or in an `Authorization` header.',
      ),
  })
  .superRefine((config, ctx) => {
    const urlCredentials = hasUrlCredentials(config.url);
    if (config.basicAuth && urlCredentials) {
      ctx.addIssue({
        code: 'custom',
        path: ['basicAuth'],
        message: 'the url already has credentials: give them in one place',
      });
    }
    if (!config.basicAuth && !urlCredentials) return;
    for (const name of Object.keys(config.headers)) {
      if (name.toLowerCase() === 'authorization') {
        ctx.addIssue({
          code: 'custom',
          path: ['headers', name],
          message: 'conflicts with the credentials in basicAuth or the url: give them in one place',
        });
      }
    }
  });

export type AlertmanagerConfig = z.infer<typeof alertmanagerConfigSchema>;

/** One element of the body of `POST /api/v2/alerts` (Alertmanager's `postableAlert`). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

function hasUrlCredentials(value: string): boolean {
  try {
    const url = new URL(value);
    return url.username !== '' || url.password !== '';
  } catch {
    return false;
  }
}

/**
 * Where to POST, and the Authorization header if any. fetch refuses URLs with credentials, so those
 * become basic auth.
 */
export function alertsEndpoint(config: AlertmanagerConfig): { url: string; authorization: string | undefined } {
  const fromUrl = splitUrlCredentials(config.url);
  const url = new URL(fromUrl.url);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v2/alerts`;
  const authorization = config.basicAuth
    ? basicAuthorization(config.basicAuth.username, config.basicAuth.password)
    : fromUrl.authorization;
  return { url: url.toString(), authorization };
}

/** The alert as Alertmanager takes it. `test`: marked by a label and the summary, and short-lived. */
export function postableAlert(notification: Notification, nowMs: number, test: boolean): PostableAlert {
  const { alert } = notification;
  const endsAtMs =
    notification.kind === 'resolved' ? (alert.endsAtMs ?? nowMs) : nowMs + (test ? testValidityMs : firingValidityMs);
  const annotations = { ...alert.annotations };
  if (test) annotations.summary = `[TEST] ${annotations.summary ?? alert.rule}`;
  return {
    labels: test ? { ...alert.labels, ere_test: 'true' } : { ...alert.labels },
    annotations,
    startsAt: new Date(alert.startsAtMs).toISOString(),
    endsAt: new Date(endsAtMs).toISOString(),
    generatorURL: alert.generatorUrl,
  };
}

const alertmanagerSecrets = (config: AlertmanagerConfig): string[] => [
  ...urlSecrets(config.url),
  ...(config.basicAuth ? [config.basicAuth.password] : []),
  ...Object.values(config.headers),
];

export const alertmanagerReceiver = defineReceiverKind<AlertmanagerConfig>({
  kind: 'alertmanager',
  configSchema: alertmanagerConfigSchema,
  maxBatchSize: 64,
  resendIntervalMs,
  secrets: alertmanagerSecrets,
  describe: (config) => urlHost(config.url),
  create(config, context) {
    const endpoint = alertsEndpoint(config);
    const headers = { ...config.headers, ...(endpoint.authorization ? { authorization: endpoint.authorization } : {}) };
    return {
      async deliver(batch, signal) {
        const nowMs = context.clock.now();
        const body = JSON.stringify(
          batch.notifications.map((notification) => postableAlert(notification, nowMs, batch.test)),
        );
        const { result } = await postJson({
          url: endpoint.url,
          body,
          headers,
          timeoutMs: context.timeoutMs,
          signal,
          secrets: alertmanagerSecrets(config),
        });
        return result;
      },
    };
  },
});
