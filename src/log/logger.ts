// pino, with every line passed through the secret scrubber before it is written, so that no configured
// secret reaches a log even through an error message from a library.

import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import type { SecretScrubber } from './redact.js';

export type { Logger };

export function createLogger(options: { level: LevelWithSilent; scrubber: SecretScrubber; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'ere' },
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: { streamWrite: (line) => options.scrubber.scrub(line) },
    },
    options.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
