// What a Grafana dashboard JSON asks Prometheus: its panels (those nested in collapsed rows included), each
// panel target's expression, and each template variable's query. Read from the JSON as Grafana reads it, not
// from the generator, so that the checks hold for whatever file is committed.

export type JsonObject = { [key: string]: unknown };

export interface PanelQuery {
  panel: string;
  panelType: string;
  refId: string;
  expr: string;
  /** Grafana runs it once at the end of the range rather than over the range. */
  instant: boolean;
}

export interface VariableQuery {
  name: string;
  /** The query as written, such as `label_values(ere_chain_endpoints, chain)`. */
  query: string;
  multi: boolean;
  includeAll: boolean;
}

/** A `label_values(selector, label)` query taken apart; `selector` is empty for `label_values(label)`. */
export interface LabelValuesQuery {
  selector: string;
  label: string;
}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const objects = (value: unknown): JsonObject[] => (Array.isArray(value) ? value.filter(isObject) : []);

/** Every panel, rows and the panels inside collapsed rows included, in order. */
export function panelsOf(dashboard: JsonObject): JsonObject[] {
  return objects(dashboard.panels).flatMap((panel) => [panel, ...objects(panel.panels)]);
}

export function panelTitle(panel: JsonObject): string {
  return typeof panel.title === 'string' ? panel.title : `panel ${String(panel.id)}`;
}

export function panelQueries(dashboard: JsonObject): PanelQuery[] {
  return panelsOf(dashboard).flatMap((panel) =>
    objects(panel.targets).map((target) => ({
      panel: panelTitle(panel),
      panelType: String(panel.type),
      refId: String(target.refId),
      expr: typeof target.expr === 'string' ? target.expr : '',
      instant: target.instant === true && target.range !== true,
    })),
  );
}

export function variablesOf(dashboard: JsonObject): JsonObject[] {
  return isObject(dashboard.templating) ? objects(dashboard.templating.list) : [];
}

/** The query of each `query` variable; Grafana stores it as a string or as `{ query }`. */
export function variableQueries(dashboard: JsonObject): VariableQuery[] {
  return variablesOf(dashboard)
    .filter((variable) => variable.type === 'query')
    .map((variable) => {
      const raw = variable.query;
      const query = typeof raw === 'string' ? raw : isObject(raw) && typeof raw.query === 'string' ? raw.query : '';
      return {
        name: String(variable.name),
        query,
        multi: variable.multi === true,
        includeAll: variable.includeAll === true,
      };
    });
}

export function parseLabelValues(query: string): LabelValuesQuery | undefined {
  const match = /^\s*label_values\(\s*(?:(.*),\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$/s.exec(query);
  if (!match) return undefined;
  return { selector: match[1]?.trim() ?? '', label: match[2]! };
}

/**
 * The PromQL inside a variable query: the selector of `label_values`, the expression of `query_result`, else the query.
 */
export function variableExpr(query: string): string {
  const labelValues = parseLabelValues(query);
  if (labelValues) return labelValues.selector;
  const queryResult = /^\s*query_result\((.*)\)\s*$/s.exec(query);
  return queryResult ? queryResult[1]! : query;
}

/** Names of the template variables an expression uses: `$name`, `${name}`, `${name:format}`, `[[name]]`. */
export function variableReferences(expr: string): string[] {
  const names = new Set<string>();
  for (const match of expr.matchAll(
    /\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\$([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_]+)(?::[^\]]*)?\]\]/g,
  )) {
    names.add(match[1] ?? match[2] ?? match[3]!);
  }
  return [...names];
}
