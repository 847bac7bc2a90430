// SLOs & error budgets: each SLO's SLI against its objective, the budget left and how fast it burns, by
// window, and which burn-rate tier (page, ticket) fires. The gauges come from ERE's own evaluation every
// minute; the event counters let Prometheus compute the same error ratio.

import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboardUrl, ereDashboard, labelVariable } from './dashboard.js';
import { bargauge, dashedSeries, rate, row, stat, table, timeseries } from './panels.js';

const slo = 'service=~"$service", slo=~"$slo"';
// Events over the last hour, whatever the dashboard's range, to compare with the SLI's 1 h window.
const hourly = (selector: string) => rate('ere_slo_events_total', selector, ['slo']).replace('$__rate_interval', '1h');

export function slosDashboard(): Dashboard {
  return ereDashboard({
    uid: 'ere-slos',
    title: 'ERE / SLOs & error budgets',
    description:
      'SLIs against objectives, error budgets remaining and burning down, burn rates by window and the burn-rate ' +
      'alert tiers firing.',
    from: 'now-7d',
    variables: [
      labelVariable({ name: 'service', label: 'Service', query: 'label_values(ere_slo_objective_ratio, service)' }),
      labelVariable({
        name: 'slo',
        label: 'SLO',
        query: 'label_values(ere_slo_objective_ratio{service=~"$service"}, slo)',
      }),
    ],
    panels: [
      row('Now'),
      table({
        title: 'SLOs',
        description:
          'Objective, SLI over the whole window, budget left, the 1 h burn rate, and whether a burn-rate alert fires.',
        columns: ['Objective', 'SLI (window)', 'Budget remaining', 'Burn rate (1h)', 'Page firing', 'Ticket firing'],
        queries: [
          `max by (service, slo) (ere_slo_objective_ratio{${slo}})`,
          `max by (service, slo) (ere_slo_sli_ratio{${slo}, window="window"})`,
          `max by (service, slo) (ere_slo_error_budget_remaining_ratio{${slo}})`,
          `max by (service, slo) (ere_slo_burn_rate{${slo}, window="1h"})`,
          `max by (service, slo) (ere_slo_alert_firing{${slo}, severity="page"})`,
          `max by (service, slo) (ere_slo_alert_firing{${slo}, severity="ticket"})`,
        ],
        overrides: ['Objective', 'SLI (window)', 'Budget remaining'].map((name) => ({
          matcher: { id: 'byName', options: name },
          properties: [
            { id: 'unit', value: 'percentunit' },
            { id: 'decimals', value: 3 },
          ],
        })),
        h: 7,
      }),
      bargauge({
        title: 'Error budget remaining',
        description: 'Share of the error budget left over the SLO window; 0 means the objective is missed.',
        queries: [{ expr: `ere_slo_error_budget_remaining_ratio{${slo}}`, legend: '{{slo}}', instant: true }],
        unit: 'percentunit',
        min: 0,
        max: 1,
        thresholds: [
          ['red', null],
          ['orange', 0.25],
          ['green', 0.5],
        ],
        w: 12,
        h: 7,
      }),
      stat({
        title: 'Burn-rate alerts firing',
        description: 'SLOs whose page or ticket burn-rate alert fires now.',
        queries: [{ expr: `sum by (severity) (ere_slo_alert_firing{${slo}})`, legend: '{{severity}}', instant: true }],
        decimals: 0,
        thresholds: [
          ['green', null],
          ['red', 1],
        ],
        w: 12,
        h: 7,
        links: [{ title: 'Alerts & notifications', url: dashboardUrl('ere-alerts') }],
      }),
      row('Over time'),
      timeseries({
        title: 'SLI vs objective',
        description: 'The SLI over the whole SLO window (solid) against its objective (dashed).',
        queries: [
          { expr: `ere_slo_sli_ratio{${slo}, window="window"}`, legend: '{{slo}} SLI' },
          { expr: `ere_slo_objective_ratio{${slo}}`, legend: '{{slo}} objective' },
        ],
        unit: 'percentunit',
        decimals: 3,
        overrides: [dashedSeries('.* objective')],
      }),
      timeseries({
        title: 'Error budget burn-down',
        description: 'Budget remaining over time: the slope is the burn; 0 is the objective missed for the window.',
        queries: [{ expr: `ere_slo_error_budget_remaining_ratio{${slo}}`, legend: '{{slo}}' }],
        unit: 'percentunit',
        min: 0,
        max: 1,
      }),
      timeseries({
        title: 'Burn rate by window',
        description:
          'Error ratio over each window divided by the allowed error ratio: 1 spends the budget exactly over the ' +
          'SLO window; 14.4 over 1 h and 6 over 6 h are the page and ticket thresholds of a 30-day SLO.',
        queries: [{ expr: `ere_slo_burn_rate{${slo}, window!="window"}`, legend: '{{slo}} {{window}}' }],
        min: 0,
        thresholds: [
          ['green', null],
          ['orange', 6],
          ['red', 14.4],
        ],
        thresholdLines: true,
      }),
      timeseries({
        title: 'SLI by window',
        description: 'The SLI over each burn-rate window: short windows react first.',
        queries: [{ expr: `ere_slo_sli_ratio{${slo}, window!="window"}`, legend: '{{slo}} {{window}}' }],
        unit: 'percentunit',
        decimals: 3,
      }),
      timeseries({
        title: 'Burn-rate alert tiers firing',
        description: '1 while the page or ticket tier of an SLO fires.',
        queries: [{ expr: `ere_slo_alert_firing{${slo}}`, legend: '{{slo}} {{severity}}' }],
        min: 0,
        max: 1,
        stepped: true,
      }),
      bargauge({
        title: 'Burn rate now, by window',
        description: 'The latest burn rate of each window.',
        queries: [{ expr: `ere_slo_burn_rate{${slo}}`, legend: '{{slo}} {{window}}', instant: true }],
        min: 0,
        thresholds: [
          ['green', null],
          ['orange', 1],
          ['red', 6],
        ],
        w: 12,
        h: 8,
      }),
      row('Events'),
      timeseries({
        title: 'Events per minute by outcome',
        description:
          'Good and bad events the SLO counts (minutes for timeslice SLOs); each minute is added once it settles.',
        queries: [{ expr: rate('ere_slo_events_total', slo, ['slo', 'outcome'], true), legend: '{{slo}} {{outcome}}' }],
        min: 0,
        stack: true,
      }),
      timeseries({
        title: 'Error ratio from events (1 h)',
        description:
          'Bad over valid events over the last hour, computed by Prometheus from the event counters; compare with 1 ' +
          '− SLI for the 1h window.',
        queries: [
          {
            expr: `${hourly(`${slo}, outcome="bad"`)} / ${hourly(slo)}`,
            legend: '{{slo}}',
          },
        ],
        unit: 'percentunit',
        min: 0,
      }),
    ],
  });
}
