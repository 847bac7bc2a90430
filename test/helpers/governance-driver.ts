// The governor driver lives with the demo, whose governance story uses it too.
export * from '../../src/demo/governance/driver.js';
