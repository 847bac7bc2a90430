// The governance contracts (compiled with solc, deployed on anvil) live with the demo, which deploys them too.
export * from '../../src/demo/governance/contracts.js';
