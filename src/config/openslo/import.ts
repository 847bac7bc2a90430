// OpenSLO v1 → ERE SLO config. Reads every document of the given files, converts each SLO (with the SLIs,
// alert policies, conditions and data sources it refers to) and validates the result with ERE's own SLO
// schema. Nothing is dropped quietly: a field ERE cannot honour, a document no SLO uses, or a problem ERE's
// schema finds is reported at its OpenSLO path. The mapping is documented in docs/openslo.md.

import { EreError } from '../../domain/errors.js';
import { formatProblem, zodIssueProblems, type ConfigProblem } from '../problems.js';
import { sloSchema, type SloConfig } from '../slo-schema.js';
import { DocumentSet, readDocuments, type OpenSloKind, type OpenSloSource } from './documents.js';
import { checkObjectMetadata } from './objects.js';
import { checkDataSource } from './sli.js';
import { convertSlo, type SloInput } from './slo.js';

export type { OpenSloSource } from './documents.js';
export type { SloInput } from './slo.js';

export interface ImportedSlo {
  /** As written to an ERE config: the fields the OpenSLO documents give, ERE's defaults left out. */
  input: SloInput;
  /** As ERE's schema reads it. */
  config: SloConfig;
  /** The OpenSLO path a field of the ERE SLO came from (`['sli', 'chain']` → `…metricSource.spec.chain`). */
  locate(erePath: readonly PropertyKey[]): string;
}

export class OpenSloError extends EreError {
  override name = 'OpenSloError';
  readonly problems: ConfigProblem[];
  /** The SLOs that imported without a problem, so that callers can still check them against a config. */
  readonly slos: ImportedSlo[];

  constructor(source: string, problems: ConfigProblem[], slos: ImportedSlo[]) {
    super(`Cannot import OpenSLO ${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`, {
      metaMessages: problems.map(formatProblem),
    });
    this.problems = problems;
    this.slos = slos;
  }
}

/** Why a kind is never converted, and why one left unused would be lost. */
const unusedReasons: Partial<Record<OpenSloKind, string>> = {
  SLI: 'is used by no SLO (indicatorRef); ERE imports SLOs, so it would be dropped',
  AlertPolicy: 'is used by no SLO (alertPolicies[].alertPolicyRef); ERE imports SLOs, so it would be dropped',
  AlertCondition: 'is used by no AlertPolicy (conditions[].conditionRef); ERE imports SLOs, so it would be dropped',
  DataSource: 'is used by no metric source (metricSourceRef); ERE imports SLOs, so it would be dropped',
};

/** The ERE SLOs of the OpenSLO files, as one set (references resolve across them). Throws OpenSloError. */
export function importOpenSlo(sources: readonly OpenSloSource[]): ImportedSlo[] {
  const problems: ConfigProblem[] = [];
  const documents = new DocumentSet(readDocuments(sources, problems), problems);
  const slos = documents.ofKind('SLO').flatMap((document) => {
    const before = problems.length;
    const draft = convertSlo(document, documents);
    if (!draft || problems.length > before) return [];
    const locate = (path: readonly PropertyKey[]) => draft.origins.locate(path);
    const result = sloSchema.safeParse(draft.input, { reportInput: true });
    if (!result.success) {
      problems.push(
        ...zodIssueProblems(result.error).map((problem) => ({ path: locate(problem.path), message: problem.message })),
      );
      return [];
    }
    return [{ input: draft.input, config: result.data, locate }];
  });
  checkOtherDocuments(documents);
  if (documents.ofKind('SLO').length === 0 && problems.length === 0) {
    problems.push({
      path: sources.map((source) => source.name).join(', '),
      message: 'holds no SLO document (kind: SLO)',
    });
  }
  const unique = problems.filter(
    (problem, index) =>
      problems.findIndex((other) => other.path === problem.path && other.message === problem.message) === index,
  );
  if (unique.length > 0) throw new OpenSloError(sources.map((source) => source.name).join(', '), unique, slos);
  return slos;
}

/** The documents that are not SLOs: checked once each, whether or not an SLO used them. */
function checkOtherDocuments(documents: DocumentSet): void {
  for (const document of documents.documents) {
    if (document.kind === 'SLO') continue;
    checkObjectMetadata(document.root.at('metadata'), document.kind);
    const spec = document.root.at('spec');
    if (document.kind === 'Service') {
      // A Service only groups SLOs; its name lives on as the SLO's `service`, and it has nothing to measure.
      spec.mapping(['description']);
      spec.at('description').string();
    } else if (document.kind === 'DataSource') {
      checkDataSource(spec);
    } else if (document.kind === 'AlertNotificationTarget') {
      document.root.problem(
        'cannot be mapped: ERE delivers no notifications; its alert states are the ' +
          'ere_slo_alert_firing metric and GET /api/v1/slos — route those (e.g. with Alertmanager)',
      );
    }
  }
  for (const [kind, reason] of Object.entries(unusedReasons) as [OpenSloKind, string][]) {
    for (const document of documents.unused(kind)) document.root.problem(reason);
  }
}
