// The runbooks the Prometheus alert rules link to (alerts/*.rules.yml: `runbook_url`), served by ERE itself
// from docs/runbooks/, since the project has no public site: the ERE that exports a series is also where
// the runbook of an alert on it can be read. Markdown as written; a browser that does not ask for
// text/markdown gets text/plain, which it shows rather than downloads.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { defineRoute, errorBodySchema, notFound, type RouteDefinition } from '../route.js';

/** docs/runbooks/ of the package: three levels up from both src/http/routes/ and dist/http/routes/. */
export const defaultRunbookDirectory = fileURLToPath(new URL('../../../docs/runbooks/', import.meta.url));

const runbookName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*(\.md)?$/, 'a runbook name: lowercase letters, digits and dashes')
  .transform((name) => name.replace(/\.md$/, ''))
  .describe('The runbook, as the alert links it: "rpc" or "rpc.md".');

/** The runbook names in the directory, without `.md`; none when it is missing. */
function runbookNames(directory: string): string[] {
  try {
    return readdirSync(directory)
      .filter((file) => file.endsWith('.md') && file !== 'README.md')
      .map((file) => file.slice(0, -3))
      .sort();
  } catch {
    return [];
  }
}

function contentType(accept: string | undefined): string {
  return /\btext\/markdown\b/i.test(accept ?? '') ? 'text/markdown; charset=utf-8' : 'text/plain; charset=utf-8';
}

export function runbookRoutes(deps: { directory?: string } = {}): RouteDefinition[] {
  const directory = deps.directory ?? defaultRunbookDirectory;
  return [
    defineRoute({
      method: 'GET',
      url: '/runbooks',
      summary: 'The runbooks of the Prometheus alert rules, as a Markdown list.',
      tag: 'runbooks',
      responses: {
        200: { description: 'The runbook names with their paths.', schema: z.string(), contentType: 'text/markdown' },
      },
      handler: (_request, reply) => {
        const lines = runbookNames(directory).map((name) => `- [${name}](/runbooks/${name})`);
        return reply
          .header('content-type', contentType(reply.request.headers.accept))
          .header('vary', 'Accept')
          .send(`# Runbooks\n\n${lines.join('\n')}\n`);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/runbooks/:name',
      summary: 'One runbook, in Markdown: what its alerts mean, how to diagnose and mitigate them.',
      tag: 'runbooks',
      params: z.strictObject({ name: runbookName }),
      responses: {
        200: { description: 'The runbook.', schema: z.string(), contentType: 'text/markdown' },
        404: { description: 'No runbook with that name.', schema: errorBodySchema },
      },
      handler: ({ params }, reply) => {
        // Only names listed in the directory are read: the name never becomes a path on its own.
        if (!runbookNames(directory).includes(params.name)) throw notFound(`no runbook "${params.name}"`);
        const text = readFileSync(`${directory}/${params.name}.md`, 'utf8');
        return reply
          .header('content-type', contentType(reply.request.headers.accept))
          .header('vary', 'Accept')
          .send(text);
      },
    }),
  ];
}
