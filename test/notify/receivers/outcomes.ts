// How every HTTP receiver must classify what happened to its request, checked the same way for each kind
// against the capture server: 2xx delivered, 429/5xx/timeouts/refused connections retried, other 4xx
// failed, and no result ever carrying a secret of the receiver's config.

import { afterEach, describe, expect, it } from 'vitest';
import type { NotificationBatch } from '../../../src/domain/alert.js';
import type { Receiver } from '../../../src/notify/receiver.js';
import type { HttpReceiver } from '../../helpers/http-receiver.js';

export interface OutcomeSetup {
  server: () => HttpReceiver;
  receiver: (timeoutMs: number) => Receiver;
  batch: () => NotificationBatch;
  /** Strings no result may contain (URL, tokens, keys). */
  secrets: () => string[];
}

export function describeDeliveryOutcomes(setup: OutcomeSetup): void {
  describe('delivery outcomes', () => {
    const deliver = (timeoutMs = 2_000) =>
      setup.receiver(timeoutMs).deliver(setup.batch(), new AbortController().signal);
    const expectNoSecret = (value: unknown): void => {
      const text = JSON.stringify(value);
      for (const secret of setup.secrets()) expect(text).not.toContain(secret);
    };

    // Answers are queued, never set as the responder, so that the file's own responder is left as it was.
    afterEach(() => setup.server().reset());

    it('2xx is delivered', async () => {
      setup.server().enqueue({ status: 202, body: { status: 'success' } });
      const result = await deliver();
      expect(result).toMatchObject({ outcome: 'delivered', statusCode: 202 });
      expectNoSecret(result);
    });

    it('429 is retried after the server’s Retry-After', async () => {
      setup.server().enqueue({ status: 429, body: 'slow down', headers: { 'retry-after': '7' } });
      const result = await deliver();
      expect(result).toMatchObject({ outcome: 'retry', statusCode: 429, retryAfterMs: 7_000 });
      expectNoSecret(result);
    });

    it('503 is retried', async () => {
      setup.server().enqueue({ status: 503, body: 'unavailable' });
      const result = await deliver();
      expect(result).toMatchObject({ outcome: 'retry', statusCode: 503 });
      expectNoSecret(result);
    });

    it('400 fails without retry', async () => {
      setup.server().enqueue({ status: 400, body: 'invalid_payload' });
      const result = await deliver();
      expect(result).toMatchObject({ outcome: 'failed', statusCode: 400 });
      expect(result.outcome === 'failed' && result.error).toContain('400');
      expectNoSecret(result);
    });

    it('a server slower than the timeout is retried', async () => {
      setup.server().enqueue({ status: 200, delayMs: 3_000 });
      const started = Date.now();
      const result = await deliver(200);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(result).toEqual({ outcome: 'retry', statusCode: null, error: 'timeout' });
    });

    it('a reset connection is retried', async () => {
      setup.server().enqueue({ destroy: true });
      const result = await deliver();
      expect(result).toMatchObject({ outcome: 'retry', statusCode: null });
      expectNoSecret(result);
    });

    it('a refused connection is retried', async () => {
      await setup.server().refuseConnections();
      try {
        const result = await deliver();
        expect(result).toEqual({ outcome: 'retry', statusCode: null, error: 'ECONNREFUSED' });
      } finally {
        await setup.server().acceptConnections();
      }
    });
  });
}
