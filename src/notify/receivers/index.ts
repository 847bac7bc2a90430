// Every receiver kind, one file each. Adding a kind is one file and one line here.

import type { ReceiverKind } from '../receiver.js';

export const receiverKinds: readonly ReceiverKind[] = [];

export function receiverKind(kind: string): ReceiverKind | undefined {
  return receiverKinds.find((candidate) => candidate.kind === kind);
}
