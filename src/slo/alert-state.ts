// The state machine of an SLO burn-rate alert, pure. Its whole transition table:
//
//   from \ condition | fires    | does not fire
//   inactive         | firing   | inactive
//   firing           | firing   | resolved
//   resolved         | firing   | resolved
//
// A change of state is a transition, which the engine persists (and the alerting delivers).

import type { SloAlertState } from '../domain/slo.js';

export interface AlertStep {
  state: SloAlertState;
  /** Set when the state changed. */
  transition: { from: SloAlertState; to: SloAlertState } | null;
}

export function nextAlertState(current: SloAlertState, fires: boolean): AlertStep {
  const state: SloAlertState = fires ? 'firing' : current === 'inactive' ? 'inactive' : 'resolved';
  return { state, transition: state === current ? null : { from: current, to: state } };
}
