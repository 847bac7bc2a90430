// The anvil client lives with the demo, which drives its governance story through it.
export * from '../../src/demo/governance/client.js';
