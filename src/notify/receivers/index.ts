// Every receiver kind, one file each. Adding a kind is one file and one line here.

import type { ReceiverKind } from '../receiver.js';
import { alertmanagerReceiver } from './alertmanager.js';
import { discordReceiver } from './discord.js';
import { pagerDutyReceiver } from './pagerduty.js';
import { slackReceiver } from './slack.js';
import { telegramReceiver } from './telegram.js';
import { webhookReceiver } from './webhook.js';

export const receiverKinds: readonly ReceiverKind[] = [
  alertmanagerReceiver,
  slackReceiver,
  pagerDutyReceiver,
  webhookReceiver,
  discordReceiver,
  telegramReceiver,
];

export function receiverKind(kind: string): ReceiverKind | undefined {
  return receiverKinds.find((candidate) => candidate.kind === kind);
}
