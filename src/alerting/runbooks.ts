// Where each alert ERE raises is explained: a section of one of the runbooks ERE serves at
// /runbooks/:name (docs/runbooks/), the same pages the Prometheus rules in alerts/ link to. The page
// follows the rule's source, the anchor is the alert's name in lower case (the heading's anchor, as
// GitHub and ERE's own links write it). Every alert ERE ships links there through `runbook_url`, so a
// page in Slack or PagerDuty leads to what to do about it.

import type { AlertRule } from './alert-rule.js';
import { parseTemplate, type Template } from './template.js';

/** The runbook page of each rule source. */
export const runbookPages: Readonly<Record<string, string>> = {
  endpoint: 'rpc',
  endpoint_check: 'rpc',
  canary: 'rpc',
  chain: 'rpc',
  beacon_endpoint: 'consensus',
  beacon_chain: 'consensus',
  validator_scope: 'consensus',
  validator_chain: 'consensus',
  validators: 'consensus',
  governance: 'governance',
  slo: 'slo',
};

export interface RunbookSection {
  page: string;
  anchor: string;
}

/** The section of a rule's alert, or null for a source that has no runbook page. */
export function runbookSection(rule: Pick<AlertRule, 'name' | 'source'>): RunbookSection | null {
  const page = runbookPages[rule.source];
  return page === undefined ? null : { page, anchor: rule.name.toLowerCase() };
}

/** The link to a section under ERE's base URL. */
export function runbookUrl(externalUrl: string, section: RunbookSection): string {
  return `${externalUrl.replace(/\/+$/, '')}/runbooks/${section.page}#${section.anchor}`;
}

/**
 * The rules with a `runbook_url` annotation on each rule `linked` accepts (ERE's own rules: a rule a
 * user named has no section to link to). An annotation the config sets wins. The base URL is read at
 * each evaluation, since the listen port may be known only once the server listens.
 */
export function withRunbookLinks(
  rules: AlertRule[],
  externalUrl: () => string,
  linked: (rule: AlertRule) => boolean,
): AlertRule[] {
  return rules.map((rule) => {
    const section = runbookSection(rule);
    if (section === null || !linked(rule) || 'runbook_url' in rule.annotations) return rule;
    let cached: { url: string; template: Template } | null = null;
    const link = () => {
      const url = runbookUrl(externalUrl(), section);
      if (cached?.url !== url) cached = { url, template: parseTemplate(url) };
      return cached.template;
    };
    // A getter, not a copy: some sources (beacon) compute their annotations at each evaluation.
    const { name, severity, source, timing, labels } = rule;
    return {
      name,
      severity,
      source,
      timing,
      labels,
      get annotations() {
        return { ...rule.annotations, runbook_url: link() };
      },
      signals: () => rule.signals(),
    };
  });
}
