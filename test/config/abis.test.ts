// The `abis:` section: ABI files read relative to the config file (a JSON ABI, a Foundry or Hardhat
// artifact, a folder of <address>.json files), given to the decoder, which then names the calls; every
// problem of the section by its path, in one pass.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeFunctionData, getAddress, parseAbi } from 'viem';
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigProblem, parseConfig } from '../../src/config/load.js';
import { GovernanceDecoder } from '../../src/governance/decode/governance-decoder.js';
import { tempDir } from '../helpers/service.js';

const chains = `
chains:
  - id: mainnet
    chainId: 1
    rpc:
      - { id: alchemy, url: "https://eth.example.com" }
`;
const vault = '0x1111111111111111111111111111111111111111';
const keeper = '0x2222222222222222222222222222222222222222';
const sweepAbi = parseAbi(['function sweep(address to, uint256 amount)']);
const pauseAbi = parseAbi(['function pause(uint256 forSeconds)']);

function problemsOf(text: string, baseDir: string): ConfigProblem[] {
  try {
    parseConfig(text, { env: {}, baseDir });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('abis config', () => {
  it('reads an ABI file, an artifact and a folder, relative to the config, and decodes with them', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'abis', 'more'), { recursive: true });
    writeFileSync(join(dir, 'abis', 'Vault.json'), JSON.stringify(sweepAbi));
    writeFileSync(join(dir, 'abis', 'keeper.json'), JSON.stringify({ contractName: 'Keeper', abi: pauseAbi }));
    writeFileSync(join(dir, 'abis', 'more', `${keeper}.json`), JSON.stringify({ abi: pauseAbi, contractName: 'K2' }));
    writeFileSync(join(dir, 'abis', 'more', 'README.md'), 'not an ABI');
    const config = parseConfig(
      `${chains}abis:
  - { address: "${vault}", file: abis/Vault.json }
  - { address: "${keeper}", file: abis/keeper.json, name: KeeperOnMainnet, chain: mainnet }
  - { folder: abis/more }
`,
      { env: {}, baseDir: dir },
    );
    expect(
      config.abis.map((entry) => entry.loaded.map(({ address, name, chain }) => ({ address, name, chain }))),
    ).toEqual([
      [{ address: getAddress(vault), name: 'Vault', chain: undefined }],
      [{ address: getAddress(keeper), name: 'KeeperOnMainnet', chain: 'mainnet' }],
      [{ address: getAddress(keeper), name: 'K2', chain: undefined }],
    ]);
    const decoder = new GovernanceDecoder(
      [],
      config.abis.flatMap((entry) => entry.loaded),
    );
    const sweep = encodeFunctionData({ abi: sweepAbi, functionName: 'sweep', args: [getAddress(keeper), 5n] });
    const decoded = decoder.decode('mainnet', { to: vault, value: 0n, data: sweep });
    expect(decoder.summarize('mainnet', decoded)).toBe('Vault.sweep(to=0x2222…2222, amount=5)');
    const pause = encodeFunctionData({ abi: pauseAbi, functionName: 'pause', args: [60n] });
    // On mainnet the chain's own ABI for the keeper wins; elsewhere the folder's.
    expect(decoder.decode('mainnet', { to: keeper, value: 0n, data: pause }).decodedWith).toBe('KeeperOnMainnet');
    expect(decoder.decode('base', { to: keeper, value: 0n, data: pause }).decodedWith).toBe('K2');
  });

  it('reports every problem of the section by its path, in one pass', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'broken.json'), '{ not json');
    writeFileSync(join(dir, 'empty.json'), JSON.stringify({ bytecode: '0x' }));
    writeFileSync(join(dir, 'bad-item.json'), JSON.stringify([{ type: 'function', name: 'f', inputs: 'nope' }]));
    const problems = problemsOf(
      `${chains}abis:
  - { address: "${vault}", file: missing.json }
  - { address: "${vault}", file: broken.json }
  - { address: "${vault}", file: empty.json }
  - { address: "${vault}", file: bad-item.json }
  - { file: broken.json }
  - { address: "${vault}", file: empty.json, folder: abis }
  - { folder: nowhere, name: Named }
  - { address: "${vault}", file: broken.json, chain: polygon }
`,
      dir,
    );
    const byPath: Record<string, string> = {};
    for (const { path, message } of problems) byPath[path] = byPath[path] ? `${byPath[path]}; ${message}` : message;
    expect(byPath['abis[4].address']).toMatch(/needs the `address`/);
    expect(byPath['abis[5]']).toMatch(/either `file` \(with `address`\) or `folder`/);
    expect(byPath['abis[6]']).toMatch(/no `address` or `name`/);
    expect(byPath['abis[7].chain']).toBe('no chain "polygon"');
    // The files are read once the section is valid: the same config without its bad entries.
    const files = problemsOf(
      `${chains}abis:
  - { address: "${vault}", file: missing.json }
  - { address: "${vault}", file: broken.json }
  - { address: "${vault}", file: empty.json }
  - { address: "${vault}", file: bad-item.json }
  - { folder: nowhere }
`,
      dir,
    );
    expect(files.map((problem) => [problem.path, problem.message.replace(/JSON: .*/, 'JSON: …')])).toEqual([
      ['abis[0].file', 'cannot read missing.json: ENOENT'],
      ['abis[1].file', 'broken.json is not JSON: …'],
      ['abis[2].file', 'empty.json holds no ABI: neither an array nor an object with an `abi` array'],
      ['abis[3].file', 'bad-item.json item 0 of its ABI is not a valid function (its name and inputs)'],
      ['abis[4].folder', 'cannot read nowhere: ENOENT'],
    ]);
  });
});
