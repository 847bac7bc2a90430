// What the API shows of an endpoint whatever its kind: its URL redacted, its display name and labels, and
// whether it is up and healthy with the reasons it is not. A kind's view adds what its probes read.

import { z } from 'zod';
import { redactUrl } from '../log/redact.js';

export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The fields every kind's endpoint state starts with, in this order. */
export const endpointStateShape = {
  url: z.string().describe('Redacted: scheme and host, the path masked unless the endpoint sets `showPath`.'),
  displayName: z.string().nullable().describe("The endpoint's `displayName`, null when it has none."),
  labels: z.record(z.string(), z.string()),
  up: z.boolean(),
  healthy: z.boolean(),
  unhealthyReasons: z.array(z.string()),
};

/** An endpoint as configured, as far as the API shows it. */
export interface EndpointDisplay {
  url: string;
  showPath?: boolean | undefined;
  displayName?: string | null | undefined;
  labels: Record<string, string>;
}

/** The shared fields of an endpoint's state; an endpoint the view has no config of shows no URL. */
export function endpointStateOf(
  config: EndpointDisplay | undefined,
  state: { up: boolean; healthy: boolean; unhealthyReasons: string[] },
) {
  return {
    url: config ? redactUrl(config.url, { showPath: config.showPath }) : '',
    displayName: config?.displayName ?? null,
    labels: config?.labels ?? {},
    up: state.up,
    healthy: state.healthy,
    unhealthyReasons: state.unhealthyReasons,
  };
}
