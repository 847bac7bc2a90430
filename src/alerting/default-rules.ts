// The threshold rules ERE evaluates when the config has no `alerting.rules`: production durations, the
// standard four (endpoint down, lagging, chain halted, redundancy low).

import type { AlertRuleInput } from './rule-schema.js';

/** The rules used when the config has no `rules:` (an empty list turns them off). */
export const defaultAlertRules: AlertRuleInput[] = [
  {
    name: 'EndpointDown',
    source: 'endpoint',
    metric: 'up',
    op: '==',
    threshold: 0,
    for: '5m',
    keepFiringFor: '1m',
    severity: 'warning',
    annotations: {
      summary: 'RPC endpoint {{ $labels.endpoint }} on {{ $labels.chain }} is down',
      description:
        'Its probes have failed for 5 minutes. The other endpoints of {{ $labels.chain }} carry its traffic.',
    },
  },
  {
    name: 'EndpointLagging',
    source: 'endpoint',
    metric: 'lag_blocks',
    op: '>',
    threshold: 5,
    clear: 2,
    for: '2m',
    severity: 'warning',
    annotations: {
      summary: '{{ $labels.endpoint }} is {{ $value }} blocks behind on {{ $labels.chain }}',
      description:
        'The endpoint has been more than 5 blocks behind the consensus ' +
        'head for 2 minutes; it clears at 2 blocks or fewer.',
    },
  },
  {
    name: 'ChainHalted',
    source: 'chain',
    metric: 'head_age_seconds',
    op: '>',
    threshold: 60,
    for: '1m',
    severity: 'critical',
    annotations: {
      summary: 'Chain {{ $labels.chain }} has made no block for {{ $value | humanizeDuration }}',
      description:
        'The consensus head of {{ $labels.chain }} is older than 60 s. Endpoint ' +
        'lag alerts of the chain are inhibited while this fires.',
    },
  },
  {
    name: 'RedundancyLow',
    source: 'chain',
    metric: 'healthy_endpoints',
    op: '<',
    threshold: 2,
    for: '5m',
    severity: 'warning',
    annotations: {
      summary: '{{ $labels.chain }} has {{ $value }} healthy RPC endpoint(s)',
      description:
        'Fewer than two endpoints of {{ $labels.chain }} are healthy: one more failure and it is unreachable.',
    },
  },
];
