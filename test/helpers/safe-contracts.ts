// The Safe deployment and Safe transactions live with the demo, which runs them too.
export * from '../../src/demo/governance/safe.js';
