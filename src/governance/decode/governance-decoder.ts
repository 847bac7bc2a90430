// What the governance capability decodes decisions with: the ABIs the user gave (per address, on one chain or
// every chain), the watched targets' ids as labels, and the implementation behind each watched proxy. Kinds
// give it a decision's calls; it gives back the decoded tree, its rows for the API and one line per call.

import type { Abi, Address } from 'viem';
import type { GovernanceTarget } from '../../domain/governance.js';
import { type CallToDecode, type DecodedCall, decodeCall } from './decode-call.js';
import { summarizeCall } from './summary.js';

/** A user's ABI for one address (`abis:` in the config); without `chain`, on every chain. */
export interface UserAbi {
  address: Address;
  chain?: string | undefined;
  name: string;
  abi: Abi;
}

/** One call of a decoded tree, as the API lists it: its place in the tree, without its calls. */
export type DecodedCallRow = Omit<DecodedCall, 'calls'> & {
  /** Its place: `1`, then `1.1`, `1.2` for the calls it carries, and so on. */
  path: string;
  depth: number;
  summary: string;
};

const key = (chain: string, address: string) => `${chain}/${address.toLowerCase()}`;

export class GovernanceDecoder {
  private readonly labels = new Map<string, string>();
  private readonly abis = new Map<string, { name: string; abi: Abi }>();

  constructor(
    targets: readonly GovernanceTarget[],
    abis: readonly UserAbi[],
    /** The implementation behind a watched proxy, as its latest view says. */
    private readonly implementationOf: (chain: string, address: Address) => Address | undefined = () => undefined,
  ) {
    for (const target of targets) this.labels.set(key(target.chain, target.address), target.id);
    // A chain's own ABI for an address wins over one given for every chain.
    for (const abi of abis) if (abi.chain === undefined) this.abis.set(key('*', abi.address), abi);
    for (const abi of abis) if (abi.chain !== undefined) this.abis.set(key(abi.chain, abi.address), abi);
  }

  private context(chain: string) {
    return {
      userAbi: (address: Address) => this.abis.get(key(chain, address)) ?? this.abis.get(key('*', address)),
      implementation: (address: Address) => this.implementationOf(chain, address),
      label: (address: Address) => this.labels.get(key(chain, address)),
      token: () => undefined,
    };
  }

  decode(chain: string, call: CallToDecode): DecodedCall {
    return decodeCall(call, this.context(chain));
  }

  summarize(chain: string, call: DecodedCall): string {
    return summarizeCall(call, this.context(chain));
  }

  /** The tree as rows, depth first, each with its path and its own one-line summary. */
  rows(chain: string, call: DecodedCall, path = '1', depth = 0): DecodedCallRow[] {
    const { calls, ...own } = call;
    return [
      { ...own, path, depth, summary: this.summarize(chain, call) },
      ...calls.flatMap((inner, index) => this.rows(chain, inner, `${path}.${index + 1}`, depth + 1)),
    ];
  }
}
