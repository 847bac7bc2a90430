// The Safe kind's own keys in a `governance:` entry (its threshold policy), and the settings they give.

import { z } from 'zod';
import { governanceKindConfig } from '../kind.js';

export interface SafeSettings {
  /** Policy: the threshold must be at least this many owners… */
  minThreshold: number | undefined;
  /** …and at least this share of the owners (e.g. 0.66 for ⅔), rounded up. */
  minThresholdRatio: number | undefined;
}

export const safeConfig = governanceKindConfig({
  description: 'a Safe multisig, 1.3.0 to 1.5.0',
  fields: {
    minThreshold: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        'Threshold policy: a threshold below this many signatures violates it ' +
          '(SafeThresholdPolicyViolated). With `minThresholdRatio` too, ' +
          'the stricter wins; no policy when neither is set.',
      ),
    minThresholdRatio: z
      .number()
      .gt(0)
      .max(1)
      .optional()
      .describe(
        'Threshold policy as a share of the owners: a threshold below ⌈ratio × owners⌉ violates it ' +
          '(SafeThresholdPolicyViolated). With `minThreshold` too, the stricter wins.',
      ),
  },
  settings: (config): SafeSettings => ({
    minThreshold: config.minThreshold,
    minThresholdRatio: config.minThresholdRatio,
  }),
});
