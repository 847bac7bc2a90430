// OpenSLO SLOs inside an ERE config: the files a config lists under `opensloFiles`, appended to its `slos`
// before validation, and imported SLOs checked against a loaded config. Either way a problem about an
// imported SLO (`slos[3].sli.chain: no chain "sepolia"`) is reported at the OpenSLO field it came from.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatPath, type ConfigProblem, type KeyedProblem } from '../problems.js';
import { checkSloReferences, type Config } from '../schema.js';
import { importOpenSlo, OpenSloError, type ImportedSlo, type OpenSloSource } from './import.js';

export interface IncludedSlos {
  /** The raw config with the imported SLOs appended to `slos`. */
  config: unknown;
  /** Problems reading or converting the files. */
  problems: ConfigProblem[];
  /** Names a problem of the whole config by its path, or by its OpenSLO origin for an imported SLO. */
  locate(problem: KeyedProblem): ConfigProblem;
}

export type ReadText = (file: string) => string;

const readUtf8: ReadText = (file) => readFileSync(file, 'utf8');

/**
 * Appends the SLOs of the config's `opensloFiles` (relative to `baseDir`) to its `slos`. The files are
 * one set, so references resolve across them. An SLO with a problem is left out and the problem reported;
 * a malformed `opensloFiles` or `slos` is left for the schema to report.
 */
export function includeOpenSloFiles(raw: unknown, baseDir: string, readText: ReadText = readUtf8): IncludedSlos {
  const plain = (problem: KeyedProblem) => ({ path: formatPath(problem.path), message: problem.message });
  const config = raw as { opensloFiles?: unknown; slos?: unknown } | null;
  const files = config?.opensloFiles;
  const own = config?.slos ?? [];
  if (
    !Array.isArray(files) ||
    files.length === 0 ||
    !files.every((file) => typeof file === 'string') ||
    !Array.isArray(own)
  ) {
    return { config: raw, problems: [], locate: plain };
  }
  const problems: ConfigProblem[] = [];
  const sources = files.flatMap((file: string, index): OpenSloSource[] => {
    try {
      return [{ name: file, text: readText(resolve(baseDir, file)) }];
    } catch (error) {
      problems.push({
        path: `opensloFiles[${index}]`,
        message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      });
      return [];
    }
  });
  const imported = importInto(sources, problems);
  return {
    config: { ...config, slos: [...own, ...imported.map((slo) => slo.input)] },
    problems,
    locate: (problem) => locateSloProblem(problem, own.length, imported),
  };
}

function importInto(sources: OpenSloSource[], problems: ConfigProblem[]): ImportedSlo[] {
  if (sources.length === 0) return [];
  try {
    return importOpenSlo(sources);
  } catch (error) {
    if (!(error instanceof OpenSloError)) throw error;
    problems.push(...error.problems);
    return error.slos;
  }
}

/** The SLOs' references (chains, endpoints, unique ids) checked as if they were part of the config. */
export function checkImportedSlos(config: Config, imported: readonly ImportedSlo[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  checkSloReferences(
    { chains: config.chains, slos: [...config.slos, ...imported.map((slo) => slo.config)] },
    (path, message) => problems.push(locateSloProblem({ path, message }, config.slos.length, imported)),
  );
  return problems;
}

function locateSloProblem(
  problem: KeyedProblem,
  firstImported: number,
  imported: readonly ImportedSlo[],
): ConfigProblem {
  const [section, index, ...rest] = problem.path;
  const slo =
    section === 'slos' && typeof index === 'number' && index >= firstImported
      ? imported[index - firstImported]
      : undefined;
  return { path: slo ? slo.locate(rest) : formatPath(problem.path), message: problem.message };
}
