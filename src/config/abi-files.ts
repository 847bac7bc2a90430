// Reads the ABI files of the `abis:` section once the config has parsed, relative to the config file's
// folder, into each entry's `loaded` list. A file that cannot be read, is not JSON or holds no valid ABI is
// a config problem at its path, reported with the others.

import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { type Abi, type Address, getAddress, toFunctionSelector } from 'viem';
import type { AbiEntry } from '../governance/abi-schema.js';
import type { ConfigProblem } from './problems.js';

const addressFile = /^(0x[0-9a-fA-F]{40})\.json$/;

/** The ABI a file holds, or why it holds none: an array of ABI items, or an artifact with an `abi` key. */
export function abiOf(text: string): { abi: Abi; contractName?: string } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { problem: `is not JSON: ${(error as Error).message}` };
  }
  const items = Array.isArray(json) ? json : (json as { abi?: unknown } | null)?.abi;
  if (!Array.isArray(items)) return { problem: 'holds no ABI: neither an array nor an object with an `abi` array' };
  for (const [index, item] of items.entries()) {
    const type = (item as { type?: unknown } | null)?.type;
    if (typeof type !== 'string') return { problem: `item ${index} of its ABI has no \`type\`` };
    if (type !== 'function') continue;
    try {
      toFunctionSelector(item as never);
    } catch {
      return { problem: `item ${index} of its ABI is not a valid function (its name and inputs)` };
    }
  }
  const contractName = (json as { contractName?: unknown }).contractName;
  return typeof contractName === 'string' && /^[A-Za-z0-9_.$-]{1,64}$/.test(contractName)
    ? { abi: items as Abi, contractName }
    : { abi: items as Abi };
}

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error);

/** Fills each entry's `loaded` list; the problems, by path. */
export function loadAbiFiles(entries: AbiEntry[], baseDir: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  entries.forEach((entry, index) => {
    const chain = entry.chain === undefined ? {} : { chain: entry.chain };
    const read = (path: string, where: string, problemPath: string) => {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        problems.push({ path: problemPath, message: `cannot read ${where}: ${codeOf(error)}` });
        return null;
      }
      const result = abiOf(text);
      if ('problem' in result) {
        problems.push({ path: problemPath, message: `${where} ${result.problem}` });
        return null;
      }
      return result;
    };
    if (entry.file !== undefined && entry.address !== undefined) {
      const found = read(resolve(baseDir, entry.file), entry.file, `abis[${index}].file`);
      const name = entry.name ?? basename(entry.file).replace(/\.json$/i, '');
      if (found) entry.loaded.push({ address: entry.address, name, abi: found.abi, ...chain });
    }
    if (entry.folder !== undefined) {
      const folder = resolve(baseDir, entry.folder);
      let names: string[];
      try {
        names = readdirSync(folder).sort();
      } catch (error) {
        problems.push({ path: `abis[${index}].folder`, message: `cannot read ${entry.folder}: ${codeOf(error)}` });
        return;
      }
      for (const name of names) {
        const match = addressFile.exec(name);
        if (!match) continue;
        const found = read(join(folder, name), join(entry.folder, name), `abis[${index}].folder`);
        const address = getAddress(match[1]!.toLowerCase()) as Address;
        // Named by its artifact's contractName when it has one; else decoded calls name it by its address.
        if (found) entry.loaded.push({ address, name: found.contractName ?? address, abi: found.abi, ...chain });
      }
    }
  });
  return problems;
}
