// The typed failure of a Beacon API request: an error class from a closed set (a metric label), the route
// template, the HTTP status when there was one, and a short reason that names the host at most, never the
// URL: beacon URLs carry API keys in their paths, queries and credentials.

import type { BeaconErrorClass } from '../../domain/beacon.js';
import { EreError } from '../../domain/errors.js';
import type { BeaconRoute } from './beacon-routes.js';

export class BeaconRequestError extends EreError {
  override name = 'BeaconRequestError';
  readonly errorClass: BeaconErrorClass;
  readonly route: BeaconRoute;
  /** null when no HTTP answer arrived (timeout, refused connection). */
  readonly status: number | null;

  constructor(
    errorClass: BeaconErrorClass,
    route: BeaconRoute,
    shortMessage: string,
    options: { status?: number | null; details?: string | undefined; cause?: unknown } = {},
  ) {
    super(shortMessage, { details: options.details, cause: options.cause });
    this.errorClass = errorClass;
    this.route = route;
    this.status = options.status ?? null;
  }
}
