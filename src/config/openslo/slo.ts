// One OpenSLO SLO document as one ERE SLO config entry (the plain shape `sloSchema` accepts), with the
// origin of each field. ERE SLOs have one objective, one window (N days rolling, or the UTC calendar
// month) and one-minute time slices; whatever else a document asks for is a problem naming its field.

import type { z } from 'zod';
import { labelNamePattern, type sloSchema } from '../slo-schema.js';
import { convertAlertPolicies } from './alerting.js';
import type { DocumentSet, OpenSloDocument } from './documents.js';
import { isMapping, type Field } from './field.js';
import { annotationsReason, checkObjectMetadata } from './objects.js';
import { Origins } from './origins.js';
import { parseShorthand } from './shorthand.js';
import { convertIndicatorSpec } from './sli.js';

export type SloInput = z.input<typeof sloSchema>;

export interface SloDraft {
  input: SloInput;
  origins: Origins;
}

/** 0.999 → 99.9 exactly, not 99.90000000000001. */
const ratioToPercent = (ratio: number) => Number((ratio * 100).toPrecision(12));

export function convertSlo(document: OpenSloDocument, documents: DocumentSet): SloDraft | undefined {
  const { root } = document;
  const origins = new Origins(root.path);
  const metadata = root.at('metadata');
  const spec = root.at('spec');
  metadata.mapping(['name', 'displayName', 'labels'], { annotations: annotationsReason });
  spec.mapping([
    'description',
    'service',
    'indicator',
    'indicatorRef',
    'timeWindow',
    'budgetingMethod',
    'objectives',
    'alertPolicies',
  ]);
  origins.set(['id'], metadata.at('name'));
  origins.set(['service'], spec.at('service'));
  origins.set(['description'], spec.at('description').present ? spec.at('description') : metadata.at('displayName'));
  origins.set(['labels'], metadata.at('labels'));
  origins.set(['alerting'], spec.at('alertPolicies'));

  const service = spec.at('service').required()?.string();
  // The first objective stands in when the list is wrong, so that the rest of the document is checked too.
  const objectivesOk = checkObjectives(spec.at('objectives'));
  const objective = spec.at('objectives').at(0);
  const target = objectivePercent(objective, origins);
  const sli = indicator(spec, objective, documents, origins);
  const window = sloWindow(spec.at('timeWindow'), origins);
  const budgeting = budgetingOf(spec.at('budgetingMethod'), objective, origins);
  const labels = sloLabels(metadata.at('labels'));
  const tiers = convertAlertPolicies(spec.at('alertPolicies'), documents, origins);
  const description = [metadata.at('displayName').string(), spec.at('description').string()]
    .filter((text) => text !== undefined)
    .join(' — ');
  if (
    service === undefined ||
    !objectivesOk ||
    target === undefined ||
    !sli ||
    window === null ||
    !budgeting ||
    !labels ||
    tiers === null
  )
    return undefined;
  const input: SloInput = {
    id: document.name,
    service,
    ...(description ? { description } : {}),
    objective: target,
    ...(window ? { window } : {}),
    ...budgeting,
    // As the user wrote it under the metric source's spec: ERE's schema checks it next.
    sli: sli as SloInput['sli'],
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    ...(tiers ? { alerting: { tiers } } : {}),
  };
  return { input, origins };
}

function checkObjectives(objectives: Field): boolean {
  const items = objectives.required()?.items();
  if (!items) return false;
  if (items.length === 0) return objectives.problem('needs one objective') ?? false;
  if (items.length > 1) {
    objectives
      .at(1)
      .problem(
        'cannot be mapped: an ERE SLO has exactly one objective; write one ' +
          'SLO document per objective (each with its own name)',
      );
  }
  const composite =
    'cannot be mapped: composite SLOs (an indicator per objective) have no ERE counterpart; give the indicator in spec';
  items[0]!.mapping(['displayName', 'op', 'value', 'target', 'targetPercent', 'timeSliceTarget', 'timeSliceWindow'], {
    indicator: composite,
    indicatorRef: composite,
    compositeWeight: composite,
  });
  items[0]!.at('displayName').string();
  return items.length === 1;
}

function objectivePercent(objective: Field, origins: Origins): number | undefined {
  if (!objective.present) return undefined;
  const target = objective.at('target');
  const percent = objective.at('targetPercent');
  if (target.present === percent.present) return objective.problem('needs exactly one of target and targetPercent');
  origins.set(['objective'], target.present ? target : percent);
  // Checked here as well as by ERE's schema, whose message would speak of percent to a user who wrote a ratio.
  if (percent.present) {
    const value = percent.number();
    return value !== undefined && (value <= 0 || value >= 100)
      ? percent.problem('must be above 0 and below 100')
      : value;
  }
  const ratio = target.number();
  if (ratio !== undefined && (ratio <= 0 || ratio >= 1)) return target.problem('must be above 0 and below 1');
  return ratio === undefined ? undefined : ratioToPercent(ratio);
}

function indicator(
  spec: Field,
  objective: Field,
  documents: DocumentSet,
  origins: Origins,
): Record<string, unknown> | undefined {
  const inline = spec.at('indicator');
  const reference = spec.at('indicatorRef');
  if (inline.present === reference.present) return spec.problem('needs exactly one of indicator and indicatorRef');
  if (reference.present) {
    const sli = documents.resolve('SLI', reference);
    return sli && convertIndicatorSpec(sli.root.at('spec'), objective, documents, origins);
  }
  inline.mapping(['metadata', 'spec']);
  checkObjectMetadata(inline.at('metadata'), 'SLI');
  return convertIndicatorSpec(inline.at('spec'), objective, documents, origins);
}

/** The ERE window text; undefined for ERE's default (no timeWindow given), null on a problem. */
function sloWindow(timeWindow: Field, origins: Origins): string | undefined | null {
  const items = timeWindow.items();
  if (!items) return timeWindow.present ? null : undefined;
  if (items.length !== 1) return timeWindow.problem('must hold exactly one window') ?? null;
  const window = items[0]!;
  if (!window.mapping(['duration', 'isRolling', 'calendar'])) return null;
  origins.set(['window'], window.at('duration'));
  const durationText = window.at('duration').required()?.string();
  const duration = durationText === undefined ? null : parseShorthand(durationText);
  if (durationText !== undefined && !duration)
    window.at('duration').problem('must be a duration shorthand such as "28d", "4w" or "1M"');
  const isRolling = window.at('isRolling').boolean();
  const calendar = window.at('calendar');
  if (isRolling === true) {
    if (calendar.present) calendar.problem('contradicts isRolling: true');
    if (!duration || calendar.present) return null;
    if (duration.unit === 'd' || duration.unit === 'w') return `${duration.amount * (duration.unit === 'w' ? 7 : 1)}d`;
    return (
      window
        .at('duration')
        .problem(
          `"${durationText}" cannot be mapped: ERE's rolling windows are whole days ("7d", "28d", "30d", "4w")`,
        ) ?? null
    );
  }
  if (!calendar.present)
    return (
      window.problem(
        isRolling === false ? 'needs calendar for a calendar-aligned window' : 'needs isRolling: true, or a calendar',
      ) ?? null
    );
  const calendarOk = checkMonthCalendar(calendar);
  if (duration && (duration.unit !== 'M' || duration.amount !== 1)) {
    return (
      window
        .at('duration')
        .problem(`"${durationText}" cannot be mapped: ERE's only calendar window is the month ("1M")`) ?? null
    );
  }
  return duration && calendarOk ? 'month' : null;
}

/** ERE's calendar months are UTC and start on the 1st at midnight; a calendar anchored anywhere else differs. */
function checkMonthCalendar(calendar: Field): boolean {
  if (!calendar.mapping(['startTime', 'timeZone'])) return false;
  const zone = calendar.at('timeZone').string();
  const zoneOk = zone === undefined || ['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT'].includes(zone);
  if (!zoneOk) calendar.at('timeZone').problem(`"${zone}" cannot be mapped: ERE's calendar month is the UTC month`);
  const start = calendar.at('startTime');
  const startText = start.value instanceof Date ? start.value.toISOString() : start.string();
  const startOk = startText === undefined || /^\d{4}-\d{2}-01(?:[T ]00:00(?::00(?:\.0+)?)?)?Z?$/.test(startText);
  if (!startOk) start.problem(`"${startText}" cannot be mapped: ERE's months start on the 1st at 00:00 UTC`);
  return zoneOk && startOk;
}

function budgetingOf(
  method: Field,
  objective: Field,
  origins: Origins,
): Pick<SloInput, 'budgeting' | 'timesliceObjective'> | undefined {
  const name = method.required()?.string();
  origins.set(['budgeting'], method);
  const sliceTarget = objective.at('timeSliceTarget');
  const sliceWindow = objective.at('timeSliceWindow');
  if (name === 'Occurrences') {
    for (const field of [sliceTarget, sliceWindow])
      if (field.present) field.problem('applies to budgetingMethod Timeslices only');
    return sliceTarget.present || sliceWindow.present ? undefined : { budgeting: 'occurrences' };
  }
  if (name === 'Timeslices') {
    const ratio = sliceTarget.required()?.number();
    const windowOk = sliceWindow.required() !== undefined && isOneMinute(sliceWindow.value);
    if (sliceWindow.present && !windowOk)
      sliceWindow.problem(
        `${JSON.stringify(sliceWindow.value)} cannot be mapped: ERE's time slices are one minute ("1m")`,
      );
    if (ratio === undefined || !windowOk) return undefined;
    origins.set(['timesliceObjective'], sliceTarget);
    return { budgeting: 'timeslices', timesliceObjective: ratioToPercent(ratio) };
  }
  if (name === 'RatioTimeslices')
    return method.problem(
      '"RatioTimeslices" cannot be mapped: ERE budgets occurrences or one-minute time slices (Occurrences, Timeslices)',
    );
  if (name !== undefined) method.problem(`must be Occurrences or Timeslices`);
  return undefined;
}

/** OpenSLO reads a bare number as minutes. */
const isOneMinute = (value: unknown) => value === 1 || value === '1' || value === '1m';

function sloLabels(labels: Field): Record<string, string> | undefined {
  if (!labels.present) return {};
  const entries = labels.value;
  if (!isMapping(entries)) return labels.problem('must be a mapping');
  const wrong = Object.entries(entries).filter(([name, value]) => {
    if (!labelNamePattern.test(name))
      labels
        .at(name)
        .problem('cannot be mapped: ERE label names are letters, digits and "_", as Prometheus label names are');
    else if (Array.isArray(value))
      labels.at(name).problem('a list cannot be mapped: ERE label values are single strings');
    else if (typeof value !== 'string')
      labels.at(name).problem('must be a string (quote it): ERE label values are strings');
    else return false;
    return true;
  });
  return wrong.length === 0 ? (entries as Record<string, string>) : undefined;
}
