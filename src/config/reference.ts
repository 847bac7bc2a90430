// The config reference, generated from the config schema itself: every key with its type, default, bounds
// and the description attached to it in the schema, so that docs/config-reference.md cannot drift from what
// the loader accepts. SLI kinds and receiver kinds add their own keys from their own schemas.

import { z } from 'zod';
import { receiverKinds } from '../notify/receivers/index.js';
import { sliKinds } from '../slo/sli/index.js';
import { configSchema } from './schema.js';

export interface ReferenceRow {
  /** Dotted path, `[]` for list items: `chains[].rpc[].url`. */
  path: string;
  /** Where the key applies only to some kinds of a list item: `kind: governor`. */
  when?: string;
  type: string;
  /** The default as written in YAML; undefined when there is none. */
  default?: string;
  required: boolean;
  description: string | undefined;
}

export interface ReferenceSection {
  key: string;
  title: string;
  rows: ReferenceRow[];
}

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  format?: string;
  range?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  minItems?: number;
  maxItems?: number;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
};

const idPattern = '^[a-z0-9][a-z0-9_.-]{0,62}$';

function jsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

function bounds(node: JsonSchema): string[] {
  const parts: string[] = [];
  if (node.exclusiveMinimum !== undefined) parts.push(`> ${node.exclusiveMinimum}`);
  if (node.minimum !== undefined && !(node.minimum <= -Number.MAX_SAFE_INTEGER)) parts.push(`≥ ${node.minimum}`);
  if (node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER) parts.push(`≤ ${node.maximum}`);
  if (node.exclusiveMaximum !== undefined) parts.push(`< ${node.exclusiveMaximum}`);
  return parts;
}

/** A key's type in words: `duration (100ms to 1h)`, `integer ≥ 0`, `one of "a", "b"`, `list of id`. */
export function typeText(node: JsonSchema, defs: Record<string, JsonSchema> = {}): string {
  if (node.$ref) return 'route (the same keys, nested)';
  if (node.format === 'duration') return node.range ? `duration (${node.range})` : 'duration';
  // The config's own URL fields are http(s) only; receivers' z.url() fields are restricted by their kind.
  if (node.format === 'url') return 'http(s) URL';
  if (node.format === 'uri') return 'URL';
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (node.enum) return `one of ${node.enum.map((value) => JSON.stringify(value)).join(', ')}`;
  const variants = node.anyOf ?? node.oneOf;
  if (variants) return [...new Set(variants.map((variant) => typeText(variant, defs)))].join(' or ');
  const type = Array.isArray(node.type) ? node.type.join(' or ') : node.type;
  switch (type) {
    case 'string': {
      if (node.pattern === idPattern) return 'id';
      const parts = ['string'];
      if (node.minLength !== undefined && node.minLength > 0)
        parts.push(node.minLength === 1 ? '(non-empty)' : `(at least ${node.minLength} characters)`);
      if (node.pattern !== undefined) parts.push(`matching \`${node.pattern}\``);
      return parts.join(' ');
    }
    case 'integer':
    case 'number':
      return [type, ...bounds(node)].join(' ');
    case 'array': {
      const items = node.items ? typeText(node.items, defs) : 'values';
      const size = [
        node.minItems ? `at least ${node.minItems}` : '',
        node.maxItems !== undefined ? `at most ${node.maxItems}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      return `list of ${node.items?.properties ? 'objects' : items}${size ? ` (${size})` : ''}`;
    }
    case 'object':
      if (!node.properties && typeof node.additionalProperties === 'object')
        return `map of name to ${typeText(node.additionalProperties, defs)}`;
      return 'object';
    default:
      return type ?? 'any';
  }
}

function defaultText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'object' && value !== null && Object.keys(value).length === 0) return undefined;
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value);
}

/** Rows for an object's keys and, depth first, for the keys of nested objects and list items. */
function objectRows(node: JsonSchema, prefix: string, defs: Record<string, JsonSchema>, when?: string): ReferenceRow[] {
  const rows: ReferenceRow[] = [];
  const required = new Set(node.required ?? []);
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = `${prefix}${key}`;
    const fallback = defaultText(child.default);
    rows.push({
      path,
      ...(when ? { when } : {}),
      type: typeText(child, defs),
      ...(fallback !== undefined ? { default: fallback } : {}),
      required: required.has(key) && child.default === undefined,
      description: child.description,
    });
    rows.push(...childRows(child, path, defs, when));
  }
  return rows;
}

function childRows(node: JsonSchema, path: string, defs: Record<string, JsonSchema>, when?: string): ReferenceRow[] {
  if (node.$ref) return [];
  if (node.properties) return objectRows(node, `${path}.`, defs, when);
  if (node.items?.$ref) {
    // A recursive list (routes within routes): its keys are listed once, under the parent.
    return [];
  }
  if (node.items?.properties) return objectRows(node.items, `${path}[].`, defs, when);
  if (node.items?.oneOf) return variantRows(node.items.oneOf, `${path}[].`, defs);
  return [];
}

/** The keys of a list whose items come in kinds: shared keys once, the others with the kinds they apply to. */
function variantRows(variants: JsonSchema[], prefix: string, defs: Record<string, JsonSchema>): ReferenceRow[] {
  const perKind = variants.map((variant) => ({
    kind: String(variant.properties?.kind?.const ?? '?'),
    rows: objectRows(variant, prefix, defs),
  }));
  const byPath = new Map<string, { kinds: string[]; row: ReferenceRow }[]>();
  for (const { kind, rows } of perKind) {
    for (const row of rows) {
      const same = byPath.get(row.path) ?? [];
      const match = same.find(
        (entry) =>
          entry.row.type === row.type &&
          entry.row.default === row.default &&
          entry.row.description === row.description &&
          entry.row.required === row.required,
      );
      if (match) match.kinds.push(kind);
      else same.push({ kinds: [kind], row });
      byPath.set(row.path, same);
    }
  }
  const rows: ReferenceRow[] = [];
  for (const [path, entries] of byPath) {
    if (path === `${prefix}kind`) {
      rows.push({
        path,
        type: `one of ${perKind.map(({ kind }) => JSON.stringify(kind)).join(', ')}`,
        required: true,
        description: entries[0]!.row.description,
      });
      continue;
    }
    for (const { kinds, row } of entries)
      rows.push(kinds.length === perKind.length ? row : { ...row, when: `kind: ${kinds.join(', ')}` });
  }
  return rows;
}

/** A list item's keys that depend on its `kind`, from each kind's own schema (SLI kinds, receiver kinds). */
function kindRows(prefix: string, kinds: readonly { kind: string; schema: z.ZodType }[]): ReferenceRow[] {
  return kinds.flatMap(({ kind, schema }) => {
    const node = jsonSchema(schema);
    return objectRows(
      {
        ...node,
        properties: Object.fromEntries(Object.entries(node.properties ?? {}).filter(([key]) => key !== 'kind')),
      },
      prefix,
      node.$defs ?? {},
      `kind: ${kind}`,
    );
  });
}

const sectionTitles: Record<string, string> = {
  server: 'HTTP server',
  storage: 'Storage',
  log: 'Logging',
  chains: 'Chains, RPC and beacon endpoints',
  slos: 'SLOs',
  opensloFiles: 'OpenSLO files',
  governance: 'Governance targets',
  abis: 'ABIs for decoding governance decisions',
  simulation: 'Simulating governance decisions',
  validators: 'Validators',
  alerting: 'Alerting',
};

export function configReferenceSections(): ReferenceSection[] {
  const root = jsonSchema(configSchema);
  const defs = root.$defs ?? {};
  const required = new Set(root.required ?? []);
  return Object.entries(root.properties ?? {}).map(([key, node]) => {
    const fallback = defaultText(node.default);
    const rows: ReferenceRow[] = [
      {
        path: key,
        type: typeText(node, defs),
        ...(fallback !== undefined ? { default: fallback } : {}),
        required: required.has(key) && node.default === undefined,
        description: node.description,
      },
      ...childRows(node, key, defs),
    ];
    if (key === 'slos') {
      const at = rows.findIndex((row) => row.path === 'slos[].sli.labels');
      rows.splice(
        at + 1,
        0,
        ...kindRows(
          'slos[].sli.',
          sliKinds.map((kind) => ({ kind: kind.kind, schema: kind.params })),
        ),
      );
    }
    if (key === 'alerting') {
      const at = rows.findIndex((row) => row.path === 'alerting.receivers[].rateLimit.burst');
      rows.splice(
        at + 1,
        0,
        ...kindRows(
          'alerting.receivers[].',
          receiverKinds.map((kind) => ({ kind: kind.kind, schema: kind.configSchema })),
        ),
      );
      const route = defs[Object.keys(defs).find((name) => defs[name]!.properties?.receiver) ?? ''];
      if (route) {
        const routeAt = rows.findIndex((row) => row.path === 'alerting.route');
        rows.splice(routeAt + 1, 0, ...objectRows(route, 'alerting.route.', defs));
      }
    }
    return { key, title: sectionTitles[key] ?? key, rows };
  });
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');
}

/** docs/config-reference.md. */
export function renderConfigReference(): string {
  const sections = configReferenceSections();
  const lines = [
    '# Configuration reference',
    '',
    '<!-- Generated from the config schema by `npm run docs:config`; a test fails when this file is out of date. -->',
    '',
    'Every key ERE Monitor reads from its YAML config, with its type, default and meaning, generated from the',
    'schema the loader validates with. [configuration.md](configuration.md) explains the sections with examples;',
    'this page is the complete list. Durations are written `500ms`, `15s`, `2m`, `1h`, `7d` or as a number of',
    'seconds; `[]` marks the items of a list; "when" names the kinds a key applies to.',
    '',
    ...sections.map((section) => `- [${section.title}](#${section.key.toLowerCase()}) (\`${section.key}\`)`),
    '',
  ];
  for (const section of sections) {
    lines.push(
      `## ${section.key}`,
      '',
      `${section.title}.`,
      '',
      '| key | type | default | meaning |',
      '|---|---|---|---|',
    );
    for (const row of section.rows) {
      const key = `\`${row.path}\`${row.when ? ` (${row.when})` : ''}`;
      const fallback = row.default !== undefined ? `\`${row.default}\`` : row.required ? '**required**' : '—';
      lines.push(`| ${cell(key)} | ${cell(row.type)} | ${cell(fallback)} | ${cell(row.description ?? '')} |`);
    }
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
