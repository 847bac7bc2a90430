// A small Dockerfile reader for the image tests: instructions grouped into stages, with line continuations
// joined, comments dropped, global ARG defaults substituted into FROM, and the exec (JSON) form of CMD,
// ENTRYPOINT and HEALTHCHECK decoded. Enough for the Dockerfile this repository ships; not BuildKit.

export interface Instruction {
  keyword: string;
  /** Everything after the keyword, continuations joined. */
  args: string;
  line: number;
}

export interface CopySource {
  /** The stage named by --from, or undefined for the build context. */
  from: string | undefined;
  sources: string[];
  destination: string;
}

export interface Stage {
  name: string | undefined;
  /** The base image with ARG defaults substituted. */
  image: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  globalArgs: Record<string, string>;
  stages: Stage[];
}

export function readInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (!pending && trimmed === '')) return;
    const continued = trimmed.endsWith('\\');
    const part = continued ? trimmed.slice(0, -1).trim() : trimmed;
    pending = pending
      ? { text: `${pending.text} ${part}`.trim(), line: pending.line }
      : { text: part, line: index + 1 };
    if (continued) return;
    const match = /^(\S+)\s*(.*)$/.exec(pending.text);
    if (match) instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line: pending.line });
    pending = undefined;
  });
  if (pending) throw new Error(`line ${pending.line}: the last instruction ends in a line continuation`);
  return instructions;
}

function substitute(value: string, args: Record<string, string>): string {
  return value.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (whole, braced: string | undefined, bare: string | undefined) => args[(braced ?? bare)!] ?? whole,
  );
}

export function parseDockerfile(text: string): Dockerfile {
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const instruction of readInstructions(text)) {
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = instruction.args.replace(/--platform=\S+\s+/, '').split(/\s+/);
      if (!image) throw new Error(`line ${instruction.line}: FROM without an image`);
      stages.push({
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        image: substitute(image, globalArgs),
        instructions: [],
      });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG')
        throw new Error(`line ${instruction.line}: ${instruction.keyword} before the first FROM`);
      const [key, value] = instruction.args.split('=', 2);
      globalArgs[key!.trim()] = (value ?? '').trim();
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

/** The exec form (a JSON array) of CMD, ENTRYPOINT or HEALTHCHECK's CMD; the shell form is refused. */
export function execForm(args: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    throw new Error(`not an exec form: ${args}`);
  }
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string'))
    throw new Error(`not an exec form: ${args}`);
  return parsed;
}

export function parseCopy(instruction: Instruction): CopySource {
  const words = instruction.args.startsWith('[') ? execForm(instruction.args) : instruction.args.split(/\s+/);
  const flags = words.filter((word) => word.startsWith('--'));
  const paths = words.filter((word) => !word.startsWith('--'));
  if (paths.length < 2) throw new Error(`line ${instruction.line}: COPY needs a source and a destination`);
  const from = flags.find((flag) => flag.startsWith('--from='))?.slice('--from='.length);
  return { from, sources: paths.slice(0, -1), destination: paths.at(-1)! };
}

export interface Healthcheck {
  options: Record<string, string>;
  command: string[];
}

export function parseHealthcheck(instruction: Instruction): Healthcheck {
  const match = /^((?:--\S+=\S+\s+)*)CMD\s+(.*)$/s.exec(instruction.args);
  if (!match) throw new Error(`line ${instruction.line}: HEALTHCHECK without CMD`);
  const options = Object.fromEntries(
    match[1]!
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((option) => option.slice(2).split('=', 2) as [string, string]),
  );
  return { options, command: execForm(match[2]!) };
}

/** The stage's WORKDIR as it stands after its last WORKDIR instruction (absolute paths only). */
export function workdir(stage: Stage): string {
  return stage.instructions.filter((instruction) => instruction.keyword === 'WORKDIR').at(-1)?.args ?? '/';
}

/** Values of the stage's instructions with this keyword. */
export function valuesOf(stage: Stage, keyword: string): string[] {
  return stage.instructions
    .filter((instruction) => instruction.keyword === keyword)
    .map((instruction) => instruction.args);
}

/** `LABEL a="x" b="y"` pairs of the stage. */
export function labelsOf(stage: Stage): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const args of valuesOf(stage, 'LABEL')) {
    for (const match of args.matchAll(/([\w.-]+)="((?:[^"\\]|\\.)*)"/g)) labels[match[1]!] = match[2]!;
  }
  return labels;
}

/** `ENV A=1 B=2` pairs of the stage. */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const args of valuesOf(stage, 'ENV')) {
    for (const match of args.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S+)/g))
      env[match[1]!] = match[2]!.replace(/^"|"$/g, '');
  }
  return env;
}
