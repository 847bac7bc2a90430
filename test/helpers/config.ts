// The problems parseConfig reports for a config text, for tests that check errors by path.
import { expect } from 'vitest';
import { ConfigError, parseConfig, type ConfigProblem } from '../../src/config/load.js';

export function configProblems(text: string, env: NodeJS.ProcessEnv = {}): ConfigProblem[] {
  try {
    parseConfig(text, { env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}
