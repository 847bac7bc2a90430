// The `abis:` section: the ABIs the user gives for the contracts governance acts on, so that their calls
// decode by name (a treasury's `sweep`, a vault's `initializeV2`) instead of as an unknown selector. Each is a
// JSON file for one address, or a folder of `<address>.json` files; a file holds the ABI array, or an object
// with an `abi` key (a Foundry or Hardhat artifact). The files are read when the config is loaded.

import { z } from 'zod';
import { address, id } from '../domain/fields.js';
import type { UserAbi } from './decode/governance-decoder.js';

const abiName = z
  .string()
  .regex(/^[A-Za-z0-9_.$-]{1,64}$/, 'must be 1-64 letters, digits, "_", ".", "$" or "-"')
  .describe('How decoded calls name the contract, `Treasury.sweep(…)`; by default the file name without `.json`.');

export const abiEntrySchema = z
  .strictObject({
    address: address.optional().describe('The contract the ABI is for (with `file`).'),
    file: z
      .string()
      .min(1)
      .optional()
      .describe('A JSON file with its ABI, or an artifact with an `abi` key; relative to the config file.'),
    folder: z
      .string()
      .min(1)
      .optional()
      .describe('A folder of `<address>.json` files, one per contract, each named by its address.'),
    name: abiName.optional(),
    chain: id.optional().describe('Only on this chain; by default, on every chain.'),
  })
  .superRefine((entry, ctx) => {
    if ((entry.file === undefined) === (entry.folder === undefined))
      ctx.addIssue({ code: 'custom', message: 'give either `file` (with `address`) or `folder`' });
    if (entry.file !== undefined && entry.address === undefined)
      ctx.addIssue({ code: 'custom', path: ['address'], message: 'a `file` needs the `address` it is for' });
    if (entry.folder !== undefined && (entry.address !== undefined || entry.name !== undefined))
      ctx.addIssue({ code: 'custom', message: 'a `folder` names each contract by its file: no `address` or `name`' });
  })
  // Filled when the config is loaded, from the file or the folder.
  .transform((entry) => ({ ...entry, loaded: [] as UserAbi[] }));

export const abisSchema = z
  .array(abiEntrySchema)
  .default([])
  .describe(
    'ABIs of the contracts governance decisions call, which decode their calls by name; calls to ' +
      'other contracts decode with the standard ABIs ERE ships (Governor, timelocks, AccessControl, Ownable, ' +
      'ERC20, ERC721, proxies, ProxyAdmin, Safe, MultiSend), or stay an undecoded selector.',
  );

export type AbiEntry = z.output<typeof abiEntrySchema>;
