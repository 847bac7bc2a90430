// Checks Beacon API responses against the official OpenAPI spec (ethereum/beacon-APIs), read from
// `../shared/beacon-APIs` beside the project (or `$ERE_SHARED_DIR/beacon-APIs`). Every YAML file of the
// spec is given to Ajv under its own URI, so the spec's relative `$ref`s (`../../beacon-node-oapi.yaml#/…`)
// resolve as written, cycles included; path items and `components/responses` refs, which are OpenAPI
// rather than JSON Schema, are followed here.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { parse } from 'yaml';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** A base no request ever goes to: the spec's files are addressed under it. */
const specBase = 'https://beacon-apis.spec/';

/** The folder of shared assets (the spec, recorded fixtures): `$ERE_SHARED_DIR` or `../shared`. */
export function sharedDir(): string {
  return process.env.ERE_SHARED_DIR ? path.resolve(process.env.ERE_SHARED_DIR) : path.resolve(repoRoot, '../shared');
}

export function specDir(): string {
  return path.join(sharedDir(), 'beacon-APIs');
}

export function specAvailable(): boolean {
  const available = existsSync(path.join(specDir(), 'beacon-node-oapi.yaml'));
  if (!available)
    console.warn(`Beacon API spec not found at ${specDir()}: spec checks are skipped (set ERE_SHARED_DIR)`);
  return available;
}

type Json = unknown;
type JsonObject = Record<string, unknown>;
const httpMethods = ['get', 'post', 'put', 'delete', 'patch'] as const;

interface Location {
  /** Path of the file relative to the spec folder, with forward slashes. */
  file: string;
  /** JSON pointer inside it, '' for the whole document. */
  pointer: string;
}

interface Operation {
  template: string;
  method: string;
  location: Location;
  matcher: RegExp;
  params: number;
}

export interface BeaconSpec {
  /** The spec's route templates, e.g. `/eth/v1/beacon/headers/{block_id}`. */
  templates(): string[];
  /** The template a concrete path (query ignored) falls under, or null. */
  templateOf(method: string, concretePath: string): string | null;
  /** Problems with a response (empty when it conforms). */
  validateResponse(method: string, pathOrTemplate: string, status: number, body: Json): string[];
  /** Problems with a value against a schema addressed as `file#/pointer`, e.g. `types/http.yaml#/ErrorMessage`. */
  validateSchema(ref: string, value: Json): string[];
  /** `$ref`s anywhere in the spec whose file or pointer does not exist. */
  danglingRefs(): string[];
}

let loaded: BeaconSpec | undefined;

/** The spec, loaded once per process. */
export function beaconSpec(): BeaconSpec {
  loaded ??= loadBeaconSpec(specDir());
  return loaded;
}

/** Shorthand for `beaconSpec().validateResponse`. */
export function validateResponse(method: string, pathOrTemplate: string, status: number, body: Json): string[] {
  return beaconSpec().validateResponse(method, pathOrTemplate, status, body);
}

export function loadBeaconSpec(dir: string): BeaconSpec {
  const documents = new Map<string, Json>();
  for (const file of yamlFiles(dir)) documents.set(file, parse(readFileSync(path.join(dir, file), 'utf8')) as Json);

  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false, validateSchema: false });
  for (const [file, document] of documents) {
    if (isObject(document)) ajv.addSchema({ ...document, $id: specBase + file });
  }

  const resolveRef = (from: Location, ref: string): Location => {
    const [filePart = '', fragment = ''] = ref.split('#', 2);
    const file =
      filePart === '' ? from.file : path.posix.normalize(path.posix.join(path.posix.dirname(from.file), filePart));
    return { file, pointer: decodeURIComponent(fragment) };
  };
  const at = (location: Location): Json => {
    const document = documents.get(location.file);
    if (document === undefined) throw new Error(`spec file not found: ${location.file}`);
    return pointerGet(document, location.pointer);
  };
  /** Follows `$ref` objects (path items, responses) to the node they name. */
  const deref = (location: Location): { location: Location; node: Json } => {
    const seen = new Set<string>();
    let current = location;
    for (;;) {
      const node = at(current);
      if (!isObject(node) || typeof node.$ref !== 'string') return { location: current, node };
      const key = `${current.file}#${current.pointer}`;
      if (seen.has(key)) throw new Error(`$ref cycle at ${key}`);
      seen.add(key);
      current = resolveRef(current, node.$ref);
    }
  };

  const operations: Operation[] = [];
  const root = documents.get('beacon-node-oapi.yaml');
  const paths = isObject(root) && isObject(root.paths) ? root.paths : {};
  for (const template of Object.keys(paths)) {
    const pathItem = deref({ file: 'beacon-node-oapi.yaml', pointer: `/paths/${escapePointer(template)}` });
    if (!isObject(pathItem.node)) continue;
    for (const method of httpMethods) {
      if (!isObject(pathItem.node[method])) continue;
      const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
      operations.push({
        template,
        method: method.toUpperCase(),
        location: { file: pathItem.location.file, pointer: `${pathItem.location.pointer}/${method}` },
        matcher: new RegExp(`^${pattern}$`),
        params: (template.match(/\{/g) ?? []).length,
      });
    }
  }

  const findOperation = (method: string, pathOrTemplate: string): Operation | undefined => {
    const concrete = pathOrTemplate.split('?')[0] ?? '';
    const upper = method.toUpperCase();
    const exact = operations.find((operation) => operation.method === upper && operation.template === concrete);
    if (exact) return exact;
    return operations
      .filter((operation) => operation.method === upper && operation.matcher.test(concrete))
      .sort((a, b) => a.params - b.params)[0];
  };

  const validators = new Map<string, ValidateFunction>();
  const compiled = (uri: string): ValidateFunction => {
    let validate = validators.get(uri);
    if (!validate) {
      validate = ajv.compile({ $ref: uri });
      validators.set(uri, validate);
    }
    return validate;
  };
  const problemsOf = (validate: ValidateFunction, value: Json): string[] =>
    validate(value)
      ? []
      : (validate.errors ?? []).map((error) => {
          const message = error.message ?? 'is invalid';
          return `${error.instancePath || '/'} ${message}${paramsText(error.params, message)}`;
        });

  return {
    templates: () => [...new Set(operations.map((operation) => operation.template))],
    templateOf: (method, concretePath) => findOperation(method, concretePath)?.template ?? null,
    validateResponse(method, pathOrTemplate, status, body) {
      const operation = findOperation(method, pathOrTemplate);
      if (!operation) return [`${method.toUpperCase()} ${pathOrTemplate} is not a route of the spec`];
      const name = `${operation.method} ${operation.template}`;
      const responses = at({ ...operation.location, pointer: `${operation.location.pointer}/responses` });
      const key = isObject(responses)
        ? [String(status), `${String(status)[0]}XX`, 'default'].find((candidate) => candidate in responses)
        : undefined;
      if (key === undefined) return [`${name}: status ${status} is not documented`];
      const response = deref({ ...operation.location, pointer: `${operation.location.pointer}/responses/${key}` });
      const content = isObject(response.node) ? response.node.content : undefined;
      if (!isObject(content) || !isObject(content['application/json'])) {
        return body === undefined || body === null || body === ''
          ? []
          : [`${name}: status ${status} documents no JSON body`];
      }
      const { file, pointer } = response.location;
      const schemaLocation = `${specBase}${file}#${pointer}/content/application~1json/schema`;
      return problemsOf(compiled(schemaLocation), body).map((problem) => `${name} ${status}: ${problem}`);
    },
    validateSchema(ref, value) {
      const [file = '', pointer = ''] = ref.split('#', 2);
      return problemsOf(compiled(`${specBase}${file}#${pointer}`), value);
    },
    danglingRefs() {
      const dangling: string[] = [];
      for (const [file, document] of documents) {
        walkRefs(document, '', (ref, pointer) => {
          const target = resolveRef({ file, pointer }, ref);
          if (!documents.has(target.file)) dangling.push(`${file}#${pointer}: ${ref} (no file)`);
          else if (pointerGet(documents.get(target.file), target.pointer) === undefined)
            dangling.push(`${file}#${pointer}: ${ref} (no such pointer)`);
        });
      }
      return dangling;
    },
  };
}

function yamlFiles(dir: string, prefix = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory() && !entry.name.startsWith('.')) files.push(...yamlFiles(dir, relative));
    else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) files.push(relative);
  }
  return files;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function pointerGet(document: Json, pointer: string): Json {
  if (pointer === '' || pointer === '/') return document;
  let node: Json = document;
  for (const raw of pointer.replace(/^\//, '').split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isObject(node)) node = Object.hasOwn(node, segment) ? node[segment] : undefined;
    else return undefined;
  }
  return node;
}

function walkRefs(node: Json, pointer: string, visit: (ref: string, pointer: string) => void): void {
  if (Array.isArray(node)) {
    node.forEach((item, index) => {
      walkRefs(item, `${pointer}/${index}`, visit);
    });
  } else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') visit(value, pointer);
      else walkRefs(value, `${pointer}/${escapePointer(key)}`, visit);
    }
  }
}

function paramsText(params: Record<string, unknown>, message: string): string {
  const shown = Object.entries(params).filter(
    ([, value]) => (typeof value === 'string' || typeof value === 'number') && !message.includes(String(value)),
  );
  return shown.length === 0 ? '' : ` (${shown.map(([key, value]) => `${key}: ${String(value)}`).join(', ')})`;
}
