// The EIP-1967 proxy deployments live with the demo, which upgrades a proxy too.
export * from '../../src/demo/governance/proxy.js';
