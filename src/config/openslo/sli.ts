// An OpenSLO SLI as an ERE SLI. ERE has no query language: it counts good and valid events of an SLI kind
// from its own collectors. So the only metric source it can honour is `type: ere`, whose `spec` is the ERE
// SLI itself (`kind`, `chain`, `endpoints`/`labels`, the kind's parameters):
//
// - `ratioMetric`: `good` (or `bad`) and `total` name the same ERE SLI; good/total is its good/valid events,
//   bad/total the rest, which is the same ratio.
// - `thresholdMetric`: only the `latency` kind, whose per-probe latency is compared with the objective's
//   `value` in milliseconds (`op: lte`): the objective's value becomes `thresholdMs`.

import { isDeepStrictEqual } from 'node:util';
import type { DocumentSet } from './documents.js';
import { isMapping, type Field } from './field.js';
import type { Origins } from './origins.js';

const ereSourceHint =
  'ERE computes SLIs from its own collectors — use type "ere" with the ERE ' +
  'SLI (kind, chain, endpoints or labels, parameters) in spec';

const rawReason =
  'a precomputed ratio cannot be mapped: ERE counts good and valid events ' +
  'itself — use good (or bad) and total with an "ere" metric source';

/** The ERE `sli` of an SLO, from an SLI spec and the SLO's objective (which holds a threshold metric's value). */
export function convertIndicatorSpec(
  spec: Field,
  objective: Field,
  documents: DocumentSet,
  origins: Origins,
): Record<string, unknown> | undefined {
  spec.required()?.mapping(['description', 'thresholdMetric', 'ratioMetric']);
  spec.at('description').string();
  const ratio = spec.at('ratioMetric');
  const threshold = spec.at('thresholdMetric');
  if (ratio.present === threshold.present) return spec.problem('needs exactly one of ratioMetric and thresholdMetric');
  if (ratio.present) {
    for (const key of ['op', 'value']) {
      if (objective.at(key).present)
        objective
          .at(key)
          .problem('applies to a thresholdMetric; with an ERE ratioMetric the SLI kind decides what is good');
    }
    return convertRatioMetric(ratio, documents, origins);
  }
  return convertThresholdMetric(threshold, objective, documents, origins);
}

function convertRatioMetric(
  ratio: Field,
  documents: DocumentSet,
  origins: Origins,
): Record<string, unknown> | undefined {
  ratio.mapping(['counter', 'good', 'bad', 'total'], { raw: rawReason, rawType: rawReason });
  const counter = ratio.at('counter').boolean();
  if (counter === false) ratio.at('counter').problem('must be true (or left out): an ERE metric source counts events');
  const good = ratio.at('good');
  const bad = ratio.at('bad');
  if (good.present === bad.present) return ratio.problem('needs exactly one of good and bad, with total');
  const numerator = good.present ? good : bad;
  const total = ratio.at('total');
  const numeratorSli = metricSourceSli(numerator, documents);
  const totalSli = total.required() && metricSourceSli(total, documents);
  if (!numeratorSli || !totalSli) return undefined;
  if (!isDeepStrictEqual(numeratorSli.value, totalSli.value)) {
    return totalSli.problem(
      `must name the same ERE SLI as ${good.present ? 'good' : 'bad'}: ERE counts one SLI kind's ` +
        `good and valid events over one selection, so good (or bad) and total cannot differ`,
    );
  }
  origins.set(['sli'], numeratorSli);
  return { ...(numeratorSli.value as Record<string, unknown>) };
}

function convertThresholdMetric(
  threshold: Field,
  objective: Field,
  documents: DocumentSet,
  origins: Origins,
): Record<string, unknown> | undefined {
  threshold.mapping(['metricSource']);
  const sli = metricSourceSli(threshold, documents);
  if (!sli) return undefined;
  const kind = sli.at('kind');
  if (kind.value !== 'latency') {
    return (kind.present ? kind : sli).problem(
      'a thresholdMetric maps only to the ERE kind "latency" (each probe\'s latency ' +
        "against the objective's value); use a ratioMetric for the other kinds",
    );
  }
  if (sli.at('thresholdMs').present)
    sli.at('thresholdMs').problem("comes from the objective's value with a thresholdMetric; leave it out here");
  const op = objective.at('op').required()?.string();
  if (op !== undefined && op !== 'lte')
    objective
      .at('op')
      .problem(
        `"${op}" cannot be mapped: a latency probe is good when answered within the threshold, so op must be "lte"`,
      );
  const value = objective.at('value').required()?.number();
  if (op !== 'lte' || value === undefined) return undefined;
  origins.set(['sli'], sli);
  origins.set(['sli', 'thresholdMs'], objective.at('value'));
  return { ...(sli.value as Record<string, unknown>), thresholdMs: value };
}

/** The `spec` field of a holder's `ere` metric source (`{ metricSource: { type, metricSourceRef, spec } }`). */
function metricSourceSli(holder: Field, documents: DocumentSet): Field | undefined {
  holder.mapping(['metricSource']);
  const source = holder.at('metricSource');
  if (!source.required()?.mapping(['metricSourceRef', 'type', 'spec'])) return undefined;
  const type = source.at('type').string();
  if (type !== undefined && type.toLowerCase() !== 'ere')
    return source.at('type').problem(`"${type}" cannot be mapped; ${ereSourceHint}`);
  if (source.at('metricSourceRef').present) {
    const dataSource = documents.resolve('DataSource', source.at('metricSourceRef'));
    if (!dataSource) return undefined;
    const sourceType = dataSource.root.at('spec').at('type').value;
    if (typeof sourceType !== 'string' || sourceType.toLowerCase() !== 'ere') {
      return source
        .at('metricSourceRef')
        .problem(
          `DataSource "${dataSource.name}" has type ` +
            `${JSON.stringify(sourceType ?? null)}, which cannot be mapped; ${ereSourceHint}`,
        );
    }
  } else if (type === undefined) {
    return source.at('type').problem(`is required without metricSourceRef; ${ereSourceHint}`);
  }
  const sli = source.at('spec');
  if (!sli.required()) return undefined;
  return isMapping(sli.value)
    ? sli
    : sli.problem('must be a mapping: the ERE SLI (kind, chain, endpoints or labels, parameters)');
}

/** A DataSource document: ERE reads its own store, so there is nothing to connect to. */
export function checkDataSource(spec: Field): void {
  spec.mapping(['description', 'type', 'connectionDetails']);
  spec.at('description').string();
  spec.at('type').required()?.string();
  const details = spec.at('connectionDetails');
  if (details.present && !(isMapping(details.value) && Object.keys(details.value).length === 0)) {
    details.problem('cannot be mapped: ERE reads what its own collectors store, so it connects to no data source');
  }
}
