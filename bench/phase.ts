// One benchmark phase in a fresh process of its own (started by rpc-poll.ts), so that the baseline and
// ERE share no heap, JIT state or sockets. The options come as JSON in argv[2]; the result goes back
// over IPC as `{ type: 'result', result }`. Only the chosen poller's modules are loaded: the baseline
// process never loads viem, fastify or SQLite.

import { measureWindow, PollRecorder, type PhaseMode, type PhaseResult } from './measure.js';

export interface PhaseOptions {
  mode: PhaseMode;
  serverUrl: string;
  endpoints: number;
  chains: number;
  intervalMs: number;
  agreement: boolean;
  warmupMs: number;
  durationMs: number;
  /** Where ERE keeps its SQLite file; made and removed by the parent. */
  dataDir: string;
}

export type PhaseMessage = { type: 'result'; result: PhaseResult };

async function runPhase(options: PhaseOptions): Promise<PhaseResult> {
  const recorder = new PollRecorder(options.intervalMs);
  const window = { warmupMs: options.warmupMs, durationMs: options.durationMs };
  if (options.mode === 'baseline') {
    const { startBaselinePoller } = await import('./baseline-poller.js');
    const poller = startBaselinePoller(options, recorder);
    const measured = await measureWindow('baseline', recorder, window);
    await poller.stop();
    return { ...measured, notes: {} };
  }
  const { startErePoller } = await import('./ere-poller.js');
  const poller = await startErePoller(options, recorder);
  const measured = await measureWindow('ere', recorder, window);
  const storedSamples = poller.storedSamples();
  const pollsCompleted = recorder.pollsEver;
  await poller.stop();
  return { ...measured, notes: { storedSamples, pollsCompleted } };
}

const [json] = process.argv.slice(2);
if (!process.send || json === undefined) {
  console.error('bench/phase.ts is started by bench/rpc-poll.ts, with IPC and its options as JSON');
  process.exit(2);
}
// The parent went away (interrupted or crashed): stop at once.
process.on('disconnect', () => process.exit(1));
const result = await runPhase(JSON.parse(json) as PhaseOptions);
process.send({ type: 'result', result } satisfies PhaseMessage, () => process.exit(0));
