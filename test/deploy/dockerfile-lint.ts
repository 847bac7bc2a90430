// The rules ERE's Dockerfile is held to, as a function returning every problem found, so that the test can
// show it passes on the real Dockerfile and fails on bad ones: multi-stage, pinned base images, a non-root
// final stage, a HEALTHCHECK on /readyz in exec form, the database directory a VOLUME, and every COPY
// source present in the build context (not left out by .dockerignore) or produced by an earlier stage.

import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { isIgnored, parseDockerignore } from './dockerignore.js';
import { parseCopy, parseDockerfile, parseHealthcheck, valuesOf, workdir, type Stage } from './dockerfile.js';

export interface LintContext {
  /** The build context directory. */
  contextDir: string;
  dockerignore: string;
  /** The directory the database lives in, which must be a VOLUME. */
  dataDir: string;
}

/**
 * A tag naming an exact release (1.2.3, v1.2.3, optionally with a variant) or a digest; never `latest` or a bare major.
 */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  return tag !== undefined && /^v?\d+\.\d+\.\d+(?:[-.][\w.-]+)?$/.test(tag);
}

/**
 * What an earlier stage has under its WORKDIR when a later stage copies from it: what it copied in, and
 * what its RUN steps make: `npm ci` node_modules, `npm run build` the outDir of tsconfig.build.json.
 */
function stageOutputs(stage: Stage, contextDir: string): string[] {
  const dir = workdir(stage);
  const outputs = stage.instructions
    .filter((instruction) => instruction.keyword === 'COPY')
    .flatMap((instruction) => {
      const copy = parseCopy(instruction);
      const destination = posix.resolve(dir, copy.destination);
      // `COPY a b ./` puts each source under the directory; `COPY src ./src` makes the directory itself.
      return copy.destination.endsWith('/')
        ? copy.sources.map((source) => posix.join(destination, posix.basename(source)))
        : [destination];
    });
  const runs = valuesOf(stage, 'RUN').join('\n');
  if (/\bnpm ci\b/.test(runs)) outputs.push(posix.join(dir, 'node_modules'));
  if (/\bnpm run build\b/.test(runs)) {
    const buildConfig = JSON.parse(readFileSync(join(contextDir, 'tsconfig.build.json'), 'utf8')) as {
      compilerOptions?: { outDir?: string };
    };
    outputs.push(posix.resolve(dir, buildConfig.compilerOptions?.outDir ?? 'dist'));
  }
  return outputs;
}

function lintCopies(stages: readonly Stage[], context: LintContext): string[] {
  const problems: string[] = [];
  const rules = parseDockerignore(context.dockerignore);
  stages.forEach((stage, index) => {
    for (const instruction of stage.instructions.filter((candidate) => candidate.keyword === 'COPY')) {
      const copy = parseCopy(instruction);
      if (copy.from === undefined) {
        for (const source of copy.sources) {
          if (!existsSync(join(context.contextDir, source)))
            problems.push(`line ${instruction.line}: COPY ${source}: not in the build context`);
          else if (isIgnored(rules, source))
            problems.push(`line ${instruction.line}: COPY ${source}: left out by .dockerignore`);
        }
        continue;
      }
      const fromIndex = stages.findIndex((candidate) => candidate.name === copy.from);
      if (fromIndex < 0 || fromIndex >= index) {
        problems.push(`line ${instruction.line}: COPY --from=${copy.from}: no earlier stage has that name`);
        continue;
      }
      const outputs = stageOutputs(stages[fromIndex]!, context.contextDir);
      for (const source of copy.sources) {
        const absolute = posix.resolve(workdir(stages[fromIndex]!), source);
        if (!outputs.some((output) => absolute === output || absolute.startsWith(`${output}/`))) {
          problems.push(
            `line ${instruction.line}: COPY --from=${copy.from} ${source}: stage ${copy.from} does not make it`,
          );
        }
      }
    }
  });
  return problems;
}

function lintFinalStage(final: Stage, context: LintContext): string[] {
  const problems: string[] = [];
  const user = valuesOf(final, 'USER').at(-1);
  const uid = user?.split(':')[0];
  if (uid === undefined || uid === 'root' || uid === '0')
    problems.push(`the final stage runs as ${user ?? 'root (no USER)'}`);
  const healthchecks = final.instructions.filter((instruction) => instruction.keyword === 'HEALTHCHECK');
  if (healthchecks.length !== 1) problems.push('the final stage needs exactly one HEALTHCHECK');
  else {
    try {
      const { command } = parseHealthcheck(healthchecks[0]!);
      if (command[0] !== 'node' || !command.some((part) => part.includes('/readyz')))
        problems.push(`the HEALTHCHECK does not ask /readyz with node: ${command.join(' ')}`);
    } catch {
      problems.push('the HEALTHCHECK CMD is not in exec form (a JSON array)');
    }
  }
  const volumes = valuesOf(final, 'VOLUME').flatMap((args) =>
    args.startsWith('[') ? (JSON.parse(args) as string[]) : args.split(/\s+/),
  );
  if (!volumes.includes(context.dataDir)) problems.push(`${context.dataDir} is not a VOLUME`);
  for (const keyword of ['ENTRYPOINT', 'CMD']) {
    const value = valuesOf(final, keyword).at(-1);
    if (!value?.startsWith('[')) problems.push(`${keyword} is missing or not in exec form (signals must reach node)`);
  }
  return problems;
}

export function lintDockerfile(text: string, context: LintContext): string[] {
  const { stages } = parseDockerfile(text);
  const problems: string[] = [];
  if (stages.length < 2) problems.push(`one stage only: build tools would ship in the image`);
  for (const stage of stages) {
    if (!isPinnedImage(stage.image)) problems.push(`FROM ${stage.image}: not pinned to a release or digest`);
  }
  problems.push(...lintCopies(stages, context));
  if (stages.length > 0) problems.push(...lintFinalStage(stages.at(-1)!, context));
  return problems;
}
