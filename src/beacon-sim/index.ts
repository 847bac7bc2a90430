// A deterministic simulated beacon node for tests, the demo and benchmarks: a chain, its validators and
// their faults, served over the Beacon API on 127.0.0.1.

export type { BeaconSimOptions } from './chain.js';
export { BeaconSim } from './sim.js';
export { startBeaconSim, type RunningBeaconSim, type StartBeaconSimOptions } from './server.js';
export { STREAM_CHUNK_ENTRIES } from './encode.js';
export type { ExecutionBlock, ExecutionChain } from './execution.js';
export { anvilExecutionChain } from './anvil-execution.js';
