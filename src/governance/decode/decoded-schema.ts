// How the API shows a decoded decision: the calls of its tree as rows, depth first, each with its path
// (`1`, `1.1`…), so that a timelock batch or a Safe's MultiSend reads as a numbered outline.

import { z } from 'zod';

const eventValue: z.ZodType = z.unknown().describe('A decoded value: bigints as decimal strings, bytes as hex.');

export const decodedCallRowSchema = z.object({
  path: z.string().describe('Its place in the tree: `1`, then `1.1`, `1.2` for the calls it carries.'),
  depth: z.number().int(),
  to: z.string(),
  label: z.string().nullable().describe("A watched target's id for `to`, or the name of the user's ABI for it."),
  value: z.string().describe('Wei sent with the call, a decimal string.'),
  operation: z.enum(['call', 'delegatecall']),
  selector: z.string().nullable().describe('The 4-byte selector; null for a call without data.'),
  signature: z.string().nullable().describe('The canonical signature, `transfer(address,uint256)`.'),
  functionName: z.string().nullable(),
  decodedWith: z
    .string()
    .nullable()
    .describe("What decoded it: the name of the user's ABI (`abis:`), or a standard family such as `ERC20`."),
  implementation: z.string().nullable().describe('The implementation it was decoded against, when `to` is a proxy.'),
  args: z.array(z.object({ name: z.string(), type: z.string(), value: eventValue })),
  undecoded: z.boolean().describe('No ABI decoded the calldata: `selector` and `data` are all there is.'),
  data: z.string().nullable().describe('The raw calldata, when undecoded.'),
  problem: z.string().nullable().describe('Why the calls it carries could not all be read.'),
  summary: z.string().describe('One line: `Treasury.transfer(to=0xAb12…cdEf, value=1,000,000)`.'),
});
