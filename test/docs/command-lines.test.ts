// Every `ere …` command line in README.md and docs/ is one the CLI accepts: the command exists, every
// flag it names exists and has its value, and a command line in a code block has what is required.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands/index.js';
import { checkCommandLine } from '../../src/cli/main.js';
import { docCommandLines, usageWords } from './command-lines.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function markdownFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** The problem the CLI finds in a documented command line, or null. */
function problemOf(argv: string[], complete: boolean): string | null {
  try {
    checkCommandLine(argv, { required: complete });
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('usage syntax in the docs', () => {
  it.each([
    [
      'start --config ere.yaml [--host 0.0.0.0] [--port 9470]',
      ['start', '--config', 'ere.yaml', '--host', '0.0.0.0', '--port', '9470'],
    ],
    ['report [--format table|json|csv]', ['report', '--format', 'table']],
    ['backup --to <file> (--config <file> | --db <file>)', ['backup', '--to', 'file', '--config', 'file']],
    ['slo import <file>... [--config <file>]', ['slo', 'import', 'file', '--config', 'file']],
    ['slo rules --config ere.yaml | head', ['slo', 'rules', '--config', 'ere.yaml']],
    [
      'silence add X \'chain="a b"\' --comment "two words"',
      ['silence', 'add', 'X', 'chain="a b"', '--comment', 'two words'],
    ],
    ['ack <fingerprint> [--comment "looking at it"]', ['ack', 'fingerprint', '--comment', 'looking at it']],
  ])('%s', (text, argv) => {
    expect(usageWords(text)).toEqual(argv);
  });

  it('finds command lines in code blocks and inline code, and not `ere` as another word', () => {
    const markdown = [
      'Run `ere start --config ere.yaml` or `ere backup`; the `ere` service; `ere_slo_events_total`.',
      '```sh',
      'npx ere check-config ere.yaml          # validate',
      'docker compose run --rm --no-deps ere check-config /etc/ere/ere.yaml',
      'docker compose exec ere node bin/ere.js backup --config /etc/ere/ere.yaml --to /b.db',
      'ExecStart=/usr/bin/node /opt/ere/bin/ere.js start --config /etc/ere/ere.yaml',
      'docker run -d --name ere -p 127.0.0.1:9470:9470 \\',
      'npx ere slo rules --config ere.yaml > rules.yaml',
      '```',
    ].join('\n');
    expect(docCommandLines(markdown).map(({ argv, complete }) => ({ argv, complete }))).toEqual([
      { argv: ['start', '--config', 'ere.yaml'], complete: false },
      { argv: ['backup'], complete: false },
      { argv: ['check-config', 'ere.yaml'], complete: true },
      { argv: ['check-config', '/etc/ere/ere.yaml'], complete: true },
      { argv: ['backup', '--config', '/etc/ere/ere.yaml', '--to', '/b.db'], complete: true },
      { argv: ['start', '--config', '/etc/ere/ere.yaml'], complete: true },
      { argv: ['slo', 'rules', '--config', 'ere.yaml'], complete: true },
    ]);
  });

  it('a doc naming a flag, a command or a value the CLI does not have is caught', () => {
    expect(problemOf(['start', '--colour'], true)).toMatch(/Unknown option '--colour'/);
    expect(problemOf(['frobnicate'], false)).toMatch(/unknown command "ere frobnicate"/);
    expect(problemOf(['slo', 'frobnicate'], false)).toMatch(/unknown command "ere slo frobnicate"/);
    expect(problemOf(['report', '--period'], false)).toMatch(/argument missing/);
    expect(problemOf(['backup', '--config', 'ere.yaml'], true)).toMatch(/--to <file> is required/);
    expect(problemOf(['backup'], false)).toBeNull();
    expect(problemOf(['check-config', 'a.yaml', 'b.yaml'], true)).toMatch(/expects at most one config file/);
    expect(problemOf(['--version'], true)).toBeNull();
    expect(problemOf(['silence'], false)).toBeNull();
    expect(problemOf(['silence'], true)).toMatch(/expects a subcommand/);
  });
});

describe('the command lines of README.md and docs/', () => {
  const files = [join(root, 'README.md'), ...markdownFiles(join(root, 'docs'))];
  const lines = files.flatMap((file) =>
    docCommandLines(readFileSync(file, 'utf8')).map((line) => ({ ...line, file: relative(root, file) })),
  );

  it('finds them, and every command is shown in a code block', () => {
    const shown = new Set(lines.filter((line) => line.complete).map((line) => line.argv[0]));
    expect([...shown].sort()).toEqual(commands.map((command) => command.name).sort());
  });

  it('every one is accepted by the CLI', () => {
    const problems = lines.flatMap(({ file, line, text, argv, complete }) => {
      const problem = problemOf(argv, complete);
      return problem === null ? [] : [`${file}:${line}: ${text}\n    ${problem}`];
    });
    expect(problems).toEqual([]);
  });
});
