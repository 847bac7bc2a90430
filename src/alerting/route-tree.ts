// Which receivers an alert goes to, and with which grouping and timings: Alertmanager's routing tree,
// applied to one alert's labels. Pure; the dispatcher that groups and sends is elsewhere.
//
// Deliberate difference from Alertmanager: the defaults are a parameter, and ERE's groups by `alertname`
// where Alertmanager's groups every alert of a route together (an empty group_by).

import type { AlertLabels } from '../domain/alert.js';
import { cachedMatchers, escapeLabelValue, isLabelName, matcherProblem, type Matcher } from './matchers.js';

/** One route of the config, durations already in ms. An unset field is inherited from the parent. */
export interface RouteNode {
  receiver?: string;
  matchers: Matcher[];
  /** `['...']` groups by every label; `[]` puts every alert of the route in one group. */
  groupBy?: string[];
  groupWaitMs?: number;
  groupIntervalMs?: number;
  repeatIntervalMs?: number;
  /** Keep looking at the following siblings after this route matched. */
  continue: boolean;
  routes: RouteNode[];
}

export interface ResolvedRoute {
  receiver: string;
  groupBy: string[] | 'all';
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  /** e.g. "0/2/1": child indexes from the root, stable while the config is; "" for the root itself */
  path: string;
}

export interface RouteDefaults {
  groupBy: string[] | 'all';
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
}

export const defaultRouteSettings: RouteDefaults = {
  groupBy: ['alertname'],
  groupWaitMs: 30_000,
  groupIntervalMs: 300_000,
  repeatIntervalMs: 4 * 3_600_000,
};

const groupByAll = '...';

function resolve(node: RouteNode, parent: Omit<ResolvedRoute, 'path'>, path: string): ResolvedRoute {
  return {
    receiver: node.receiver ?? parent.receiver,
    groupBy:
      node.groupBy === undefined ? parent.groupBy : node.groupBy.includes(groupByAll) ? 'all' : [...node.groupBy],
    groupWaitMs: node.groupWaitMs ?? parent.groupWaitMs,
    groupIntervalMs: node.groupIntervalMs ?? parent.groupIntervalMs,
    repeatIntervalMs: node.repeatIntervalMs ?? parent.repeatIntervalMs,
    path,
  };
}

function childPath(parentPath: string, index: number): string {
  return parentPath === '' ? String(index) : `${parentPath}/${index}`;
}

/** Alertmanager's Route.Match for a node already known to match, its settings resolved. */
function matchBelow(node: RouteNode, settings: ResolvedRoute, labels: AlertLabels): ResolvedRoute[] {
  const found: ResolvedRoute[] = [];
  for (const [index, child] of node.routes.entries()) {
    if (!cachedMatchers(child.matchers)(labels)) continue;
    found.push(...matchBelow(child, resolve(child, settings, childPath(settings.path, index)), labels));
    if (!child.continue) break;
  }
  return found.length > 0 ? found : [settings];
}

/**
 * The routes an alert takes, in config order, with Alertmanager's semantics: the root matches every alert
 * (its matchers, which checkRouteTree refuses, are ignored); children are tried in order and the first that
 * matches is taken, its own children tried the same way, unless it has `continue`, when the following
 * siblings are tried too; a route none of whose children match is itself the result. Receiver, grouping
 * and timings are inherited from the parent when unset.
 */
export function routeAlert(
  root: RouteNode,
  labels: AlertLabels,
  defaults: RouteDefaults = defaultRouteSettings,
): ResolvedRoute[] {
  return matchBelow(root, resolve(root, { receiver: '', ...defaults }, ''), labels);
}

/**
 * The group an alert joins on a route: the values of the route's group_by labels (every label for
 * `...`). A label the alert lacks, or has empty, is left out, as Prometheus treats the two alike. The key
 * names the route and its receiver, so that one alert taking two routes joins two groups, and a config
 * change that gives a route another receiver starts new groups.
 */
export function groupOf(
  route: ResolvedRoute,
  labels: AlertLabels,
): { key: string; groupLabels: Record<string, string> } {
  const names = route.groupBy === 'all' ? Object.keys(labels) : route.groupBy;
  const groupLabels: Record<string, string> = {};
  for (const name of [...new Set(names)].sort()) {
    const value = labels[name];
    if (value !== undefined && value !== '') groupLabels[name] = value;
  }
  const rendered = Object.entries(groupLabels).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
  return { key: `${route.path}:${JSON.stringify(route.receiver)}:{${rendered.join(',')}}`, groupLabels };
}

export interface RouteProblem {
  /** Relative to the root route: `['routes', 1, 'receiver']`. */
  path: (string | number)[];
  message: string;
}

function checkGroupBy(groupBy: string[], path: (string | number)[], problems: RouteProblem[]): void {
  if (groupBy.includes(groupByAll) && groupBy.length > 1) {
    problems.push({ path, message: `"${groupByAll}" groups by every label and cannot be listed with other labels` });
    return;
  }
  const seen = new Set<string>();
  groupBy.forEach((name, index) => {
    if (name !== groupByAll && !isLabelName(name))
      problems.push({ path: [...path, index], message: `invalid label name ${JSON.stringify(name)}` });
    else if (seen.has(name)) problems.push({ path: [...path, index], message: `duplicate label "${name}"` });
    seen.add(name);
  });
}

function checkNode(
  node: RouteNode,
  path: (string | number)[],
  receiverIds: ReadonlySet<string>,
  problems: RouteProblem[],
): void {
  if (node.receiver !== undefined && !receiverIds.has(node.receiver)) {
    problems.push({ path: [...path, 'receiver'], message: `unknown receiver ${JSON.stringify(node.receiver)}` });
  }
  node.matchers.forEach((matcher, index) => {
    const problem = matcherProblem(matcher);
    if (problem !== null) problems.push({ path: [...path, 'matchers', index], message: problem });
  });
  if (node.groupBy !== undefined) checkGroupBy(node.groupBy, [...path, 'groupBy'], problems);
  if (node.groupWaitMs !== undefined && !(node.groupWaitMs >= 0))
    problems.push({ path: [...path, 'groupWaitMs'], message: 'must not be negative' });
  // Alertmanager refuses zero for both: a group would be flushed, or re-sent, in a busy loop.
  for (const key of ['groupIntervalMs', 'repeatIntervalMs'] as const) {
    const value = node[key];
    if (value !== undefined && !(value > 0)) problems.push({ path: [...path, key], message: 'must be more than zero' });
  }
  node.routes.forEach((child, index) => {
    checkNode(child, [...path, 'routes', index], receiverIds, problems);
  });
}

/**
 * Every problem Alertmanager would refuse the tree for: the root without a receiver, with matchers or with
 * `continue`; an unknown receiver anywhere; a bad matcher or group_by; a zero interval. A repeat interval
 * shorter than the group interval is allowed, as in Alertmanager (it then repeats at the group interval).
 */
export function checkRouteTree(root: RouteNode, receiverIds: ReadonlySet<string>): RouteProblem[] {
  const problems: RouteProblem[] = [];
  if (root.receiver === undefined)
    problems.push({
      path: ['receiver'],
      message: 'the root route must name a receiver: it takes every alert no other route takes',
    });
  if (root.matchers.length > 0)
    problems.push({ path: ['matchers'], message: 'the root route must not have matchers: it matches every alert' });
  if (root.continue)
    problems.push({ path: ['continue'], message: 'the root route cannot continue: it has no siblings' });
  checkNode(root, [], receiverIds, problems);
  return problems;
}
