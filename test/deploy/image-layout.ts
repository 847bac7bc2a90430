// The runtime stage of the Dockerfile laid out in a temporary directory, without Docker, so that its entry
// commands can run as they would in the container: each COPY of the final stage is carried out (from the
// repository for the build context; for the build stage, dist/ from the repository, built before the tests,
// and node_modules as the production dependencies only, each a link to the installed package), the VOLUME
// directories are made, and commands run from WORKDIR with the stage's ENV, as its USER when the tests run
// as root. Container paths in arguments are mapped into the directory.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { tempDir } from '../helpers/service.js';
import { envOf, execForm, parseCopy, parseDockerfile, parseHealthcheck, valuesOf, type Stage } from './dockerfile.js';

export interface ImageLayout {
  /** Stands for the container's `/`. */
  root: string;
  entrypoint: string[];
  cmd: string[];
  healthcheck: string[];
  /** The container path inside `root`. */
  path(containerPath: string): string;
  /** Runs `command` (ENTRYPOINT + arguments, or the healthcheck) as the container would. */
  spawn(command: readonly string[], env?: Readonly<Record<string, string>>): ChildProcess;
  remove(): void;
}

/** Top-level packages of the production dependency tree (what `npm prune --omit=dev` keeps). */
export function productionPackages(repo: string): string[] {
  const result = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: repo, encoding: 'utf8' });
  if (result.error) throw result.error;
  return result.stdout
    .split('\n')
    .map((line) => relative(repo, line.trim()))
    .filter((path) => /^node_modules\/(@[^/]+\/)?[^/@]+$/.test(path))
    .map((path) => path.slice('node_modules/'.length));
}

function linkProductionModules(repo: string, target: string): void {
  for (const name of productionPackages(repo)) {
    mkdirSync(dirname(join(target, name)), { recursive: true });
    symlinkSync(join(repo, 'node_modules', name), join(target, name), 'dir');
  }
}

function finalUser(stage: Stage): { uid: number; gid: number } | undefined {
  const [uid, gid] = (valuesOf(stage, 'USER').at(-1) ?? '').split(':').map(Number);
  return uid === undefined || Number.isNaN(uid) ? undefined : { uid, gid: gid ?? uid };
}

export function stageImageLayout(repo: string, dockerfileText: string): ImageLayout {
  const { stages } = parseDockerfile(dockerfileText);
  const final = stages.at(-1)!;
  const root = tempDir('ere-image-');
  chmodSync(root, 0o755);
  const path = (containerPath: string) => join(root, containerPath);
  const user = finalUser(final);
  const switchUser = user !== undefined && process.getuid?.() === 0;
  let cwd = '/';
  for (const instruction of final.instructions) {
    if (instruction.keyword === 'WORKDIR') {
      cwd = posix.resolve(cwd, instruction.args);
      mkdirSync(path(cwd), { recursive: true });
    }
    if (instruction.keyword !== 'COPY') continue;
    const copy = parseCopy(instruction);
    const source = stages.find((stage) => stage.name === copy.from);
    const sourceDir = source ? valuesOf(source, 'WORKDIR').at(-1)! : '/';
    for (const from of copy.sources) {
      const destination = posix.resolve(
        cwd,
        copy.destination.endsWith('/') ? posix.join(copy.destination, posix.basename(from)) : copy.destination,
      );
      // The build stage's WORKDIR holds the repository's files, as built here before the tests.
      const inRepo = source ? posix.relative(sourceDir, from) : from;
      mkdirSync(dirname(path(destination)), { recursive: true });
      if (source && inRepo === 'node_modules') linkProductionModules(repo, path(destination));
      else cpSync(join(repo, inRepo), path(destination), { recursive: true });
    }
  }
  for (const volume of valuesOf(final, 'VOLUME').flatMap((args) => JSON.parse(args) as string[])) {
    mkdirSync(path(volume), { recursive: true });
    if (switchUser) chownSync(path(volume), user.uid, user.gid);
  }
  // The container's /tmp (a tmpfs in docker-compose.yml).
  mkdirSync(path('/tmp'), { recursive: true });
  chmodSync(path('/tmp'), 0o1777);
  const healthcheck = parseHealthcheck(
    final.instructions.find((instruction) => instruction.keyword === 'HEALTHCHECK')!,
  ).command;
  const mapArgument = (argument: string) =>
    argument.startsWith('/') && existsSync(path(argument)) ? path(argument) : argument;

  return {
    root,
    entrypoint: execForm(valuesOf(final, 'ENTRYPOINT').at(-1)!),
    cmd: execForm(valuesOf(final, 'CMD').at(-1)!),
    healthcheck,
    path,
    spawn(command, env = {}) {
      const [program, ...args] = command.map(mapArgument);
      const environment = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: path('/var/lib/ere'),
        TMPDIR: path('/tmp'),
        ...envOf(final),
        ...env,
      };
      const asUser = switchUser
        ? ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--']
        : [];
      const full = [...asUser, program === 'node' ? process.execPath : program!, ...args];
      return spawn(full[0]!, full.slice(1), { cwd: path(cwd), env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Resolves with the exit code; output is collected into `output` as it comes. */
export function exitOf(child: ChildProcess, output?: { text: string }): Promise<number | null> {
  const collect = (chunk: Buffer) => {
    if (output) output.text += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}
