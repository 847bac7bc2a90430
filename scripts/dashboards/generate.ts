// `npm run dashboards`: writes every dashboard of index.ts to dashboards/<file>.json. The JSON is generated,
// never edited by hand; a test fails when the committed files differ from what this writes.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dashboards, renderDashboard } from './index.js';

const directory = fileURLToPath(new URL('../../dashboards/', import.meta.url));
for (const { file, build } of dashboards) {
  writeFileSync(join(directory, file), renderDashboard(build()));
  console.log(`wrote dashboards/${file}`);
}
