// The `ere …` command lines a Markdown file shows, turned into the argv `ere` would get: in code blocks
// (complete command lines) and in inline code (mentions, which may leave required flags out).
// Usage syntax is read as the help texts write it: `[…]` and `(…)` groups are taken with their first
// alternative, `a|b` values as `a`, `<file>` placeholders as a value, `<file>...` as one value.

export interface DocCommandLine {
  /** Line number in the file, from 1. */
  line: number;
  text: string;
  argv: string[];
  /** In a code block: a whole command line, required flags included. */
  complete: boolean;
}

/** Where `ere` starts a command: at the start of a line, as `npx ere`, `node bin/ere.js` or the compose service. */
const starts = [
  /^(?:\$\s+)?(?:npx\s+)?ere\s+(.+)$/,
  /(?:^|[\s=])(?:\S*\/)?node\s+(?:\S*\/)?bin\/ere\.js\s+(.+)$/,
  /^docker\s+compose\s+(?:run|exec)\s+(?:-\S+\s+)*ere\s+(?!node\s)(.+)$/,
];

/** Words as a shell splits them (quotes keep spaces and brackets, and are removed), and usage punctuation. */
function tokens(text: string): string[] {
  return [...text.matchAll(/(?:[^\s'"[\]()|]+|'[^']*'|"[^"]*")+|[[\]()|]/g)].map(([token]) =>
    /^[[\]()|]$/.test(token)
      ? token
      : token.replace(
          /'([^']*)'|"([^"]*)"/g,
          (_, single: string | undefined, double: string | undefined) => single ?? double ?? '',
        ),
  );
}

/** The words of a usage-style argument list, with groups and alternatives resolved. */
export function usageWords(text: string): string[] {
  const all = tokens(text);
  let index = 0;
  const sequence = (closing: string | null): string[] => {
    const words: string[] = [];
    let alternative = 0;
    while (index < all.length) {
      const token = all[index++]!;
      if (token === closing) return words;
      if (token === '[' || token === '(') {
        const inner = sequence(token === '[' ? ']' : ')');
        if (alternative === 0) words.push(...inner);
      } else if (token === '|') {
        // Outside a group, a pipe to another program: the command line ends here.
        if (closing === null) return words;
        alternative += 1;
      } else if (alternative === 0) {
        words.push(token);
      }
    }
    return words;
  };
  return sequence(null).map((word) => word.replace(/\.\.\.$/, '').replace(/^<([^>]+)>$/, '$1'));
}

/** Cuts what follows the command line: a comment, a redirection, `&&`, `;`, a background `&`. */
function commandPart(text: string): string {
  return text
    .split(/\s#\s|\s#$|\s>\s|\s2?>\S|\s&&\s|;\s|\s&$/)[0]!
    .replace(/\\$/, '')
    .trim();
}

function argvOf(text: string): string[] | null {
  for (const start of starts) {
    const match = start.exec(text.trim());
    if (match) {
      const argv = usageWords(commandPart(match[1]!));
      // `--name ere -p …` and the like: `ere` as another program's value, not a command.
      return argv.length > 0 && /^(?:[a-z]|--version$|--help$)/.test(argv[0]!) ? argv : null;
    }
  }
  return null;
}

export function docCommandLines(markdown: string): DocCommandLine[] {
  const found: DocCommandLine[] = [];
  let fenced = false;
  markdown.split('\n').forEach((text, index) => {
    if (/^\s*```/.test(text)) {
      fenced = !fenced;
      return;
    }
    if (fenced) {
      const argv = argvOf(text);
      if (argv) found.push({ line: index + 1, text: text.trim(), argv, complete: true });
      return;
    }
    for (const span of text.matchAll(/`([^`]+)`/g)) {
      const argv = argvOf(span[1]!);
      if (argv) found.push({ line: index + 1, text: span[1]!, argv, complete: false });
    }
  });
  return found;
}
