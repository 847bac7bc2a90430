// pino, with every line passed through the secret scrubber before it is written, so that no configured
// secret reaches a log even through an error message from a library. JSON lines, or lines for a person
// (pino-pretty) when `log.format` says so or, by default, when stdout is a terminal.

import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { serializeError } from './error-serializer.js';
import type { SecretScrubber } from './redact.js';

export type { Logger };

/** `log.format` of the config. */
export type LogFormat = 'json' | 'pretty' | 'auto';

/** `auto` is pretty for a person at a terminal and JSON for everything else (a file, a pipe, a collector). */
export function chooseLogFormat(format: LogFormat, stdoutIsTty: boolean): 'json' | 'pretty' {
  if (format === 'auto') return stdoutIsTty ? 'pretty' : 'json';
  return format;
}

/**
 * Writes pino's JSON lines as pino-pretty renders them. Each line is scrubbed again once rendered: pretty
 * output unescapes what JSON escaped, so a secret with a quote or a backslash in it would show only here.
 */
export function prettyDestination(
  target: DestinationStream,
  scrubber: SecretScrubber,
  options: { colorize: boolean },
): DestinationStream & { flush?: () => void } {
  const render = prettyFactory({
    colorize: options.colorize,
    ignore: 'service',
    translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
  });
  const flushable = target as DestinationStream & { flush?: () => void };
  return {
    write: (line: string) => target.write(scrubber.scrub(render(line))),
    ...(typeof flushable.flush === 'function' ? { flush: () => flushable.flush!() } : {}),
  };
}

export function createLogger(options: {
  level: LevelWithSilent;
  scrubber: SecretScrubber;
  format?: LogFormat;
  destination?: DestinationStream;
}): Logger {
  // A destination given by the caller (a file, a test's buffer) is not a terminal: JSON unless asked.
  const format = chooseLogFormat(
    options.format ?? 'auto',
    options.destination === undefined && process.stdout.isTTY === true,
  );
  const stdout = options.destination ?? pino.destination({ fd: 1, sync: false });
  const destination =
    format === 'pretty'
      ? prettyDestination(stdout, options.scrubber, {
          colorize: options.destination === undefined && process.stdout.isTTY === true && !process.env.NO_COLOR,
        })
      : stdout;
  return pino(
    {
      level: options.level,
      base: { service: 'ere' },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: serializeError },
      hooks: { streamWrite: (line) => options.scrubber.scrub(line) },
    },
    destination,
  );
}
