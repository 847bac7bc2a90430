// What a contract's runtime code can do that a security council must hear of before a proxy is pointed at it:
// whether it holds a SELFDESTRUCT or a DELEGATECALL. Pure: the code is read opcode by opcode, the immediates
// of PUSH1…PUSH32 skipped and the compiler's CBOR metadata at the end left out, so that data never reads as
// an instruction. An opcode present is a path the code has, not one it must take.

import { type Hex, hexToBytes } from 'viem';

export type RiskyOpcode = 'SELFDESTRUCT' | 'DELEGATECALL';

const opcodes: Record<number, RiskyOpcode> = { 255: 'SELFDESTRUCT', 244: 'DELEGATECALL' };
const push1 = 0x60;
const push32 = 0x7f;

/** The length of the code without solc's metadata: a CBOR map whose length is the last two bytes. */
function withoutMetadata(code: Uint8Array): number {
  if (code.length < 2) return code.length;
  const length = (code[code.length - 2]! << 8) | code[code.length - 1]!;
  const start = code.length - 2 - length;
  // A CBOR map of one to five entries (0xa1…0xa5) starts solc's metadata.
  if (length > 0 && start >= 0 && code[start]! >= 0xa1 && code[start]! <= 0xa5) return start;
  return code.length;
}

/** The risky opcodes the code holds, in the order of the list above, each once. */
export function riskyOpcodes(code: Hex): RiskyOpcode[] {
  const bytes = hexToBytes(code);
  const end = withoutMetadata(bytes);
  const found = new Set<RiskyOpcode>();
  for (let index = 0; index < end; index++) {
    const opcode = bytes[index]!;
    const risky = opcodes[opcode];
    if (risky) found.add(risky);
    if (opcode >= push1 && opcode <= push32) index += opcode - push1 + 1;
  }
  return (['SELFDESTRUCT', 'DELEGATECALL'] as const).filter((name) => found.has(name));
}
