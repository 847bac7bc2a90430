// The OpenSLO documents of one import: read from one or more YAML texts (several `---` documents, each an
// object or a list of objects), checked for version, kind and name, and looked up by the references SLOs
// make (`indicatorRef`, `alertPolicyRef`, `conditionRef`, `metricSourceRef`) across every source.

import { parseAllDocuments } from 'yaml';
import type { ConfigProblem } from '../problems.js';
import { Field, isMapping } from './field.js';

export interface OpenSloSource {
  /** How problems name the file: the path as the user gave it. */
  name: string;
  text: string;
}

export const openSloKinds = [
  'SLO',
  'SLI',
  'AlertPolicy',
  'AlertCondition',
  'AlertNotificationTarget',
  'DataSource',
  'Service',
] as const;
export type OpenSloKind = (typeof openSloKinds)[number];

export interface OpenSloDocument {
  kind: OpenSloKind;
  name: string;
  root: Field;
}

const apiVersion = 'openslo/v1';

/** Every object of every source; an object without a valid version, kind or name is a problem, not a document. */
export function readDocuments(sources: readonly OpenSloSource[], problems: ConfigProblem[]): OpenSloDocument[] {
  return sources.flatMap((source) => {
    const parsed = parseAllDocuments(source.text, { prettyErrors: false });
    const yamlDocuments = Array.isArray(parsed) ? parsed : [];
    const errors = yamlDocuments.flatMap((document) => document.errors);
    if (errors.length > 0) {
      problems.push(
        ...errors.map((error) => ({ path: source.name, message: `YAML: ${error.message.split('\n')[0]}` })),
      );
      return [];
    }
    return yamlDocuments.flatMap((document, index) => {
      const value: unknown = document.toJS();
      if (value === null || value === undefined) return [];
      const at = `${source.name}: documents[${index}]`;
      if (Array.isArray(value))
        return value.flatMap((item, itemIndex) => readObject(item, `${at}[${itemIndex}]`, problems));
      return readObject(value, at, problems);
    });
  });
}

function readObject(value: unknown, at: string, problems: ConfigProblem[]): OpenSloDocument[] {
  if (!isMapping(value)) {
    problems.push({ path: at, message: 'must be an OpenSLO object (apiVersion, kind, metadata, spec)' });
    return [];
  }
  const kind =
    typeof value.kind === 'string' && (openSloKinds as readonly string[]).includes(value.kind)
      ? (value.kind as OpenSloKind)
      : undefined;
  const name =
    isMapping(value.metadata) && typeof value.metadata.name === 'string' && value.metadata.name !== ''
      ? value.metadata.name
      : undefined;
  const root = new Field(value, kind && name ? `${at} (${kind} "${name}")` : at, problems);
  root.mapping(['apiVersion', 'kind', 'metadata', 'spec']);
  if (value.apiVersion !== apiVersion) {
    root
      .at('apiVersion')
      .problem(
        `${JSON.stringify(value.apiVersion ?? null)} is not supported; ` +
          `ERE imports OpenSLO v1 (apiVersion: ${apiVersion})`,
      );
  }
  if (!kind) root.at('kind').problem(`must be one of ${openSloKinds.join(', ')}`);
  if (!name) root.at('metadata').at('name').problem('is required');
  if (!root.at('spec').present) root.at('spec').problem('is required');
  return kind && name && value.apiVersion === apiVersion ? [{ kind, name, root }] : [];
}

/** The documents by kind and name, remembering which ones the SLOs used. */
export class DocumentSet {
  private readonly used = new Set<OpenSloDocument>();

  constructor(
    readonly documents: readonly OpenSloDocument[],
    problems: ConfigProblem[],
  ) {
    documents.forEach((document, index) => {
      const first = documents.findIndex((other) => other.kind === document.kind && other.name === document.name);
      if (first !== index)
        problems.push({
          path: `${document.root.path}.metadata.name`,
          message: `duplicate ${document.kind} name (first at ${documents[first]!.root.path})`,
        });
    });
  }

  ofKind(kind: OpenSloKind): OpenSloDocument[] {
    return this.documents.filter((document) => document.kind === kind);
  }

  /** The document a reference field names, marked as used; a problem on the field when there is none. */
  resolve(kind: OpenSloKind, reference: Field): OpenSloDocument | undefined {
    const name = reference.string();
    if (name === undefined) return undefined;
    const document = this.documents.find((candidate) => candidate.kind === kind && candidate.name === name);
    if (!document) return reference.problem(`no ${kind} document named "${name}" in the imported files`);
    this.used.add(document);
    return document;
  }

  unused(kind: OpenSloKind): OpenSloDocument[] {
    return this.ofKind(kind).filter((document) => !this.used.has(document));
  }
}
