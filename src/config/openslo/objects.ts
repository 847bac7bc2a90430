// What every OpenSLO object other than the SLO shares: metadata, of which ERE keeps only the name (the
// SLO's own metadata maps onto the ERE SLO instead), and, when inlined in an SLO or AlertPolicy, its kind.

import type { DocumentSet, OpenSloKind } from './documents.js';
import type { Field } from './field.js';

export const annotationsReason =
  'annotations are implementation metadata for other tools; ERE reads none, so it cannot honour them';

/** `name` identifies the object and `displayName` is text for people; neither changes what ERE measures. */
export function checkObjectMetadata(metadata: Field, kind: OpenSloKind): void {
  metadata.required()?.mapping(['name', 'displayName'], {
    labels:
      `labels of an ${kind} cannot be mapped: ERE labels belong to ` +
      `the SLO; move them to the SLO's metadata.labels`,
    annotations: annotationsReason,
  });
  metadata.at('name').required()?.string();
  metadata.at('displayName').string();
}

/**
 * The object a list item stands for: a reference (`refKey: name`) to a document of the kind, or the
 * object inlined (`kind`, `metadata`, `spec`). Returns the object's root, whose metadata has been checked.
 */
export function referencedOrInline(
  item: Field,
  kind: OpenSloKind,
  refKey: string,
  documents: DocumentSet,
): Field | undefined {
  if (!item.present) return item.problem('is required');
  if (item.at(refKey).present) {
    item.mapping([refKey]);
    return documents.resolve(kind, item.at(refKey))?.root;
  }
  item.mapping(['apiVersion', 'kind', 'metadata', 'spec']);
  if (item.at('apiVersion').present && item.at('apiVersion').value !== 'openslo/v1')
    item.at('apiVersion').problem('must be "openslo/v1" when given');
  if (item.at('kind').value !== kind)
    item.at('kind').problem(`must be "${kind}" (or give ${refKey} to refer to a ${kind} document)`);
  checkObjectMetadata(item.at('metadata'), kind);
  item.at('spec').required();
  return item;
}
