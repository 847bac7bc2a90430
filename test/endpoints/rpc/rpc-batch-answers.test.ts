// The answers of a probe's calls are exactly one JSON-RPC 2.0 answer per id asked, or the probe fails.
import { describe, expect, it } from 'vitest';
import { answersById } from '../../../src/endpoints/rpc/batch-answers.js';
import { RpcProbeError } from '../../../src/endpoints/rpc/rpc-probe-error.js';

const asked = [1, 2, 3];
const ok = (id: unknown, fields: Record<string, unknown> = {}) => ({ jsonrpc: '2.0', id, result: '0x1', ...fields });

describe('answersById', () => {
  it.each<[string, unknown[], number[]]>([
    ['every id once', [ok(1), ok(2), ok(3)], [1, 2, 3]],
    ['in any order', [ok(3), ok(1), ok(2)], [3, 1, 2]],
    ['an id missing (the caller names the method)', [ok(1), ok(3)], [1, 3]],
    ['no version field', [{ id: 1, result: '0x1' }], [1]],
    ['an error answer', [ok(2, { result: undefined, error: { code: -32601, message: 'no' } })], [2]],
    ['nothing', [], []],
  ])('accepts %s', (_case, answers, ids) => {
    expect([...answersById(asked, answers).keys()]).toEqual(ids);
  });

  it.each<[string, unknown[], string]>([
    ['an id nobody asked', [ok(1), ok(2), ok(3), ok(99)], 'an answer has an id that was not asked'],
    ['an id as a string', [ok('1')], 'an answer has an id that was not asked'],
    ['a null id', [ok(null)], 'an answer has an id that was not asked'],
    ['no id', [{ jsonrpc: '2.0', result: '0x1' }], 'an answer has an id that was not asked'],
    ['an id answered twice', [ok(1), ok(2), ok(2)], 'id 2 is answered twice'],
    ['JSON-RPC 1.0', [ok(1, { jsonrpc: '1.0' })], 'an answer is not JSON-RPC 2.0'],
    ['a numeric version', [ok(1, { jsonrpc: 2 })], 'an answer is not JSON-RPC 2.0'],
    ['a null entry', [ok(1), null], 'an answer is not a JSON-RPC object'],
    ['a string entry', ['0x1'], 'an answer is not a JSON-RPC object'],
    ['an array entry', [[ok(1)]], 'an answer is not a JSON-RPC object'],
  ])('refuses %s as invalid_response', (_case, answers, message) => {
    let thrown: unknown;
    try {
      answersById(asked, answers);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RpcProbeError);
    expect(thrown).toMatchObject({ errorClass: 'invalid_response', shortMessage: message });
  });
});
