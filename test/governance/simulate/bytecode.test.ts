// The risky opcodes of a contract's code: an opcode counts where it is an instruction, not inside a PUSH's
// immediate or solc's metadata; checked on hand-assembled code and on compiled contracts.
import { createRequire } from 'node:module';
import type { Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { riskyOpcodes } from '../../../src/governance/simulate/bytecode.js';

const require = createRequire(import.meta.url);
const deployedCode = (name: string) =>
  (require(`@openzeppelin/contracts/build/contracts/${name}.json`) as { deployedBytecode: Hex }).deployedBytecode;

describe('risky opcodes', () => {
  it.each([
    ['SELFDESTRUCT as an instruction', '0x6000ff', ['SELFDESTRUCT']],
    ['DELEGATECALL and SELFDESTRUCT', '0xf4600aff', ['SELFDESTRUCT', 'DELEGATECALL']],
    ['0xff and 0xf4 inside PUSH2 and PUSH32 immediates', `0x61fff47f${'ff'.repeat(32)}00`, []],
    // a1 65 "bzzr0"… stands for solc's CBOR metadata: 0xff inside it is data. Its length is the last two bytes.
    ['0xff inside the metadata', '0x60016002a2ffff000004', []],
    ['nothing', '0x', []],
  ])('%s', (_name, code, expected) => {
    expect(riskyOpcodes(code as Hex)).toEqual(expected);
  });

  it('finds the delegatecall of a proxy and none in a plain token', () => {
    expect(riskyOpcodes(deployedCode('ERC1967Proxy'))).toEqual(['DELEGATECALL']);
    expect(riskyOpcodes(deployedCode('ERC20'))).toEqual([]);
  });
});
