// `ere test-notify`: sends a clearly marked test message to one receiver of the config, straight through
// the receiver (not the outbox: nothing is queued or retried), and reports what the receiver answered.

import type { NotificationBatch } from '../../domain/alert.js';
import { systemClock } from '../../domain/clock.js';
import { configuredExternalUrl, receiverRuntimes } from '../../service/alerting.js';
import { receiverKind } from '../../notify/receivers/index.js';
import { fingerprintOf, sortedLabels } from '../../alerting/fingerprint.js';
import { UsageError, defineArguments, parseCommandLine } from '../args.js';
import { help, type Command } from '../command.js';
import { configOption, loadCommandConfig } from '../config-path.js';

const testNotifyArguments = defineArguments({
  options: { receiver: { type: 'string', short: 'r' }, ...configOption },
  required: { receiver: '<id>' },
});

export function testBatch(receiver: string, externalUrl: string, nowMs: number): NotificationBatch {
  const labels = sortedLabels({ alertname: 'EreTestNotification', severity: 'info', scope: 'test', receiver });
  const fingerprint = fingerprintOf(labels);
  return {
    receiver,
    groupKey: `test:${receiver}`,
    groupLabels: { alertname: 'EreTestNotification' },
    notifications: [
      {
        id: 0,
        kind: 'firing',
        idempotencyKey: `${fingerprint}:test:${nowMs}`,
        createdAtMs: nowMs,
        alert: {
          fingerprint,
          rule: 'EreTestNotification',
          labels,
          annotations: {
            summary: `Test notification from ERE Monitor to receiver "${receiver}"`,
            description:
              'Sent by `ere test-notify` to check that this receiver is reachable and configured. No alert is firing.',
          },
          severity: 'info',
          status: 'firing',
          startsAtMs: nowMs,
          endsAtMs: null,
          value: null,
          generatorUrl: `${externalUrl}/api/v1/alerts`,
        },
      },
    ],
    externalUrl,
    test: true,
  };
}

export const testNotify: Command = {
  name: 'test-notify',
  summary: 'Send a test message to one receiver and show its answer.',
  usage: `Usage: ere test-notify --receiver <id> [--config <file>]

Sends a clearly marked test message (alert "EreTestNotification", severity info) straight to one
receiver of the config, and prints what the receiver answered. Exits 0 when it accepted the message,
1 when it did not.

Options:
  --receiver <id>  The receiver's id in alerting.receivers (required).
  --config <file>  YAML config file (default: $ERE_CONFIG, else ./ere.yaml).
  -h, --help       Show this help.`,
  arguments: testNotifyArguments,
  async run(argv, output) {
    const { values } = parseCommandLine(testNotifyArguments, argv);
    if (values.help) return help(this, output);
    const { file, config } = loadCommandConfig(values.config);
    const configured = config.alerting.receivers.find((receiver) => receiver.id === values.receiver);
    if (!configured) {
      const known = config.alerting.receivers.map((receiver) => receiver.id);
      throw new UsageError(
        `--receiver: no receiver "${values.receiver}" in ${file} ` +
          `(${known.length === 0 ? 'it has none' : `it has ${known.join(', ')}`})`,
      );
    }
    const runtime = receiverRuntimes(config, systemClock).find((candidate) => candidate.id === configured.id)!;
    const where = receiverKind(configured.kind)!.describe(configured.settings);
    const externalUrl = configuredExternalUrl(config);
    const started = performance.now();
    const result = await runtime.receiver.deliver(
      testBatch(configured.id, externalUrl, Date.now()),
      AbortSignal.timeout(configured.timeout + 1_000),
    );
    const ms = Math.round(performance.now() - started);
    const status = result.statusCode === null ? 'no HTTP answer' : `HTTP ${result.statusCode}`;
    if (result.outcome === 'delivered') {
      output.out(
        `receiver ${configured.id} (${configured.kind}, ${where}): delivered, ` +
          `${status} in ${ms} ms${result.detail ? `: ${result.detail}` : ''}`,
      );
      return 0;
    }
    const meaning =
      result.outcome === 'retry' ? 'not delivered (a retry could succeed)' : 'not delivered (a retry cannot succeed)';
    output.err(
      `receiver ${configured.id} (${configured.kind}, ${where}): ${meaning}, ${status} in ${ms} ms: ${result.error}`,
    );
    return 1;
  },
};
