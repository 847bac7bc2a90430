// Safe's MultiSend packs its transactions into one `bytes`: for each, its operation (1 byte: 0 call,
// 1 delegatecall), its target (20 bytes), its value (32 bytes), its data's length (32 bytes) and its data.
// Read back here, stopping at the first transaction that does not fit what is left.

import { type Address, getAddress, type Hex, hexToBigInt } from 'viem';

/** How a Safe makes a call: a plain call, or a delegatecall that runs the target's code as the Safe. */
export type CallOperation = 'call' | 'delegatecall';

export interface PackedTransaction {
  operation: CallOperation;
  to: Address;
  value: bigint;
  data: Hex;
}

export type Unpacked =
  | { ok: true; transactions: PackedTransaction[] }
  | { ok: false; transactions: PackedTransaction[]; problem: string };

/** Bytes of a transaction before its data: operation, to, value, data length. */
const headBytes = 1 + 20 + 32 + 32;

export function unpackMultiSend(packed: Hex): Unpacked {
  const hex = packed.slice(2);
  const bytes = hex.length / 2;
  const transactions: PackedTransaction[] = [];
  let at = 0;
  while (at < bytes) {
    const fail = (problem: string): Unpacked => ({
      ok: false,
      transactions,
      problem: `transaction ${transactions.length + 1} of the MultiSend ${problem}`,
    });
    if (bytes - at < headBytes) return fail(`is cut short: ${bytes - at} bytes left, its header needs ${headBytes}`);
    const field = (offset: number, length: number) =>
      `0x${hex.slice((at + offset) * 2, (at + offset + length) * 2)}` as Hex;
    const operation = Number.parseInt(hex.slice(at * 2, at * 2 + 2), 16);
    if (operation !== 0 && operation !== 1)
      return fail(`has operation ${operation}, neither call (0) nor delegatecall (1)`);
    const length = hexToBigInt(field(53, 32));
    if (length > BigInt(bytes - at - headBytes))
      return fail(`says its data is ${length} bytes, but ${bytes - at - headBytes} are left`);
    transactions.push({
      operation: operation === 1 ? 'delegatecall' : 'call',
      to: getAddress(field(1, 20)),
      value: hexToBigInt(field(21, 32)),
      data: field(headBytes, Number(length)),
    });
    at += headBytes + Number(length);
  }
  return { ok: true, transactions };
}
