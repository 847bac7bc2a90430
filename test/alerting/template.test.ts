import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTemplate, parseTemplate, renderTemplate, TemplateError } from '../../src/alerting/template.js';

const labels = { alertname: 'RpcDown', chain: 'eth', endpoint: 'e1', ratio: '0.5', note: 'a "b"' };
const render = (text: string, value: number | null = 42) => renderTemplate(parseTemplate(text), { labels, value });

describe('renderTemplate', () => {
  it.each([
    { text: 'plain text, } and { alone', value: 1, expected: 'plain text, } and { alone' },
    { text: '', value: 1, expected: '' },
    { text: '{{ $labels.chain }} is down', value: 1, expected: 'eth is down' },
    { text: '{{.Labels.chain}}/{{ .Labels.endpoint }}', value: 1, expected: 'eth/e1' },
    { text: '[{{ $labels.missing }}]', value: 1, expected: '[]' },
    { text: '{{ $labels.note }}', value: 1, expected: 'a "b"' },
    { text: 'line 1\n{{ $labels.chain }}\nline 3', value: 1, expected: 'line 1\neth\nline 3' },
    // Numbers as Go's %v prints them, which Prometheus' {{ $value }} does.
    { text: '{{ $value }}', value: 3, expected: '3' },
    { text: '{{ .Value }}', value: 0.5, expected: '0.5' },
    { text: '{{ $value }}', value: 123456, expected: '123456' },
    { text: '{{ $value }}', value: 1234567, expected: '1.234567e+06' },
    { text: '{{ $value }}', value: 1e6, expected: '1e+06' },
    { text: '{{ $value }}', value: 0.0001, expected: '0.0001' },
    { text: '{{ $value }}', value: 0.00001234, expected: '1.234e-05' },
    { text: '{{ $value }}', value: -2.5, expected: '-2.5' },
    { text: '{{ $value }}', value: 1e100, expected: '1e+100' },
    { text: '{{ $value }}', value: Number.NaN, expected: 'NaN' },
    { text: '{{ $value }}', value: Number.POSITIVE_INFINITY, expected: '+Inf' },
    { text: '{{ $value }}', value: Number.NEGATIVE_INFINITY, expected: '-Inf' },
    { text: '{{ $value }}', value: null, expected: 'n/a' },
    { text: '{{ $value | humanize }}', value: null, expected: 'n/a' },
    { text: '{{ printf "%.2f s" $value }}', value: null, expected: 'n/a' },
    // humanize
    { text: '{{ $value | humanize }}', value: 1234567, expected: '1.235M' },
    { text: '{{ humanize $value }}', value: 1234567, expected: '1.235M' },
    { text: '{{ $value | humanize }}', value: 0, expected: '0' },
    { text: '{{ $value | humanize }}', value: 999, expected: '999' },
    { text: '{{ $value | humanize }}', value: 1000, expected: '1k' },
    { text: '{{ $value | humanize }}', value: -1500, expected: '-1.5k' },
    { text: '{{ $value | humanize }}', value: 2.5e9, expected: '2.5G' },
    { text: '{{ $value | humanize }}', value: 1e27, expected: '1000Y' },
    { text: '{{ $value | humanize }}', value: 0.0015, expected: '1.5m' },
    { text: '{{ $value | humanize }}', value: 0.000002, expected: '2u' },
    { text: '{{ $value | humanize }}', value: 12.3456, expected: '12.35' },
    // humanizeDuration, of seconds
    { text: '{{ $value | humanizeDuration }}', value: 65, expected: '1m 5s' },
    { text: '{{ $value | humanizeDuration }}', value: 0, expected: '0s' },
    { text: '{{ $value | humanizeDuration }}', value: 3_600, expected: '1h 0m 0s' },
    { text: '{{ $value | humanizeDuration }}', value: 90_061.7, expected: '1d 1h 1m 1s' },
    { text: '{{ $value | humanizeDuration }}', value: -65, expected: '-1m 5s' },
    { text: '{{ $value | humanizeDuration }}', value: 1.5, expected: '1.5s' },
    { text: '{{ $value | humanizeDuration }}', value: 59.99, expected: '59.99s' },
    { text: '{{ $value | humanizeDuration }}', value: 0.25, expected: '250ms' },
    { text: '{{ $value | humanizeDuration }}', value: 0.000012, expected: '12us' },
    // humanizePercentage
    { text: '{{ $value | humanizePercentage }}', value: 0.1234, expected: '12.34%' },
    { text: '{{ $value | humanizePercentage }}', value: 1, expected: '100%' },
    { text: '{{ $value | humanizePercentage }}', value: 0.999912, expected: '99.99%' },
    { text: '{{ $labels.ratio | humanizePercentage }}', value: null, expected: '50%' },
    // printf
    // biome-ignore lint/suspicious/noApproximativeNumericConstant: a value to round, not π
    { text: '{{ printf "%.2f" $value }}', value: 3.14159, expected: '3.14' },
    // biome-ignore lint/suspicious/noApproximativeNumericConstant: a value to round, not π
    { text: '{{ $value | printf "%.2f" }}', value: 3.14159, expected: '3.14' },
    // Go rounds exact ties to even; JavaScript's toFixed would give 0.13 and 3.
    { text: '{{ printf "%.2f" $value }}', value: 0.125, expected: '0.12' },
    { text: '{{ printf "%.0f" $value }}', value: 2.5, expected: '2' },
    { text: '{{ printf "%.0f" $value }}', value: 3.5, expected: '4' },
    { text: '{{ printf "%.1f" $value }}', value: 0.05, expected: '0.1' },
    { text: '{{ printf "%f" $value }}', value: 1.5, expected: '1.500000' },
    { text: '{{ printf "%.2f" $value }}', value: -0.001, expected: '-0.00' },
    { text: '{{ printf "%d blocks" $value }}', value: 42.9, expected: '42 blocks' },
    { text: '{{ printf "%d" $value }}', value: 1e21, expected: '1000000000000000000000' },
    { text: '{{ printf "%v" $value }}', value: 1234567, expected: '1.234567e+06' },
    { text: '{{ printf "%s on %s" $labels.chain $labels.endpoint }}', value: 1, expected: 'eth on e1' },
    { text: '{{ printf "%.1f%%" $labels.ratio }}', value: 1, expected: '0.5%' },
    { text: '{{ printf "%s!" "hi" }}', value: 1, expected: 'hi!' },
    { text: '{{ printf `%s\\n` "raw" }}', value: 1, expected: 'raw\\n' },
    { text: '{{ printf "%s\\n" "escaped" }}', value: 1, expected: 'escaped\n' },
    { text: '{{ printf "no verbs" }}', value: 1, expected: 'no verbs' },
    // toUpper, toLower, pipes of several
    { text: '{{ $labels.chain | toUpper }}', value: 1, expected: 'ETH' },
    { text: '{{ "ABC" | toLower }}', value: 1, expected: 'abc' },
    { text: '{{ $value | humanize | toUpper }}', value: 1500, expected: '1.5K' },
    { text: '{{ $value | humanize | printf "[%s]" }}', value: 1500, expected: '[1.5k]' },
    { text: '{{ 7 }} {{ -1.5 }} {{ "lit" }}', value: 1, expected: '7 -1.5 lit' },
    // Trimming and comments
    { text: 'a  {{- $labels.chain -}}  b', value: 1, expected: 'aethb' },
    { text: 'a  {{- $labels.chain }}  b', value: 1, expected: 'aeth  b' },
    { text: 'a {{/* a comment */}}b', value: 1, expected: 'a b' },
    { text: 'a \n{{- /* a comment */ -}}\n b', value: 1, expected: 'ab' },
    { text: '{{-3}}', value: 1, expected: '-3' },
  ])('$text with $value → $expected', ({ text, value, expected }) => {
    expect(render(text, value)).toBe(expected);
  });

  it('shows a rendering error in place of the text, as Prometheus does', () => {
    expect(render('chain {{ $labels.chain | humanize }} here')).toBe(
      '<error expanding template: template error at 1:26: humanize: "eth" is not a number>',
    );
    expect(render('{{ printf "%d" $labels.chain }}')).toContain('printf: "eth" is not a number');
  });

  it('prints any finite value so that it reads back the same', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        expect(Number(render('{{ $value }}', value))).toBe(value);
      }),
    );
  });

  it('prints %.3f within half a thousandth, as toFixed does but for exact ties', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), (value) => {
        const printed = render('{{ printf "%.3f" $value }}', value);
        expect(printed).toMatch(/^-?\d+\.\d{3}$/);
        expect(Math.abs(Number(printed) - value)).toBeLessThanOrEqual(0.0005 + Math.abs(value) * 1e-15);
        // Go keeps the sign of a negative zero (`-0.000`); toFixed does not.
        if (Math.abs(value * 1000) % 1 !== 0.5) expect(Number(printed) === Number(value.toFixed(3))).toBe(true);
      }),
    );
  });

  it('leaves text without actions as it is', () => {
    fc.assert(
      fc.property(
        fc.string().filter((text) => !text.includes('{{')),
        (text) => {
          expect(render(text)).toBe(text);
        },
      ),
    );
  });
});

describe('parseTemplate', () => {
  it.each([
    { text: '{{ $labels.chain', at: '1:3', problem: 'unclosed action: missing }}' },
    { text: '{{ humanise $value }}', at: '1:4', problem: 'unknown function "humanise"' },
    { text: '{{ $value | humanise }}', at: '1:13', problem: 'unknown function "humanise"' },
    { text: 'line one\n  {{ nope }}', at: '2:6', problem: 'unknown function "nope"' },
    { text: '{{ if $value }}x{{ end }}', at: '1:4', problem: '"if" is not supported' },
    { text: '{{ range $labels }}{{ end }}', at: '1:4', problem: '"range" is not supported' },
    { text: '{{ $foo }}', at: '1:4', problem: 'unknown variable $foo: only $labels and $value are defined' },
    { text: '{{ .Foo }}', at: '1:4', problem: 'unknown field .Foo: only .Labels and .Value are defined' },
    { text: '{{ $labels }}', at: '1:4', problem: '$labels needs one label name: $labels.<name>' },
    { text: '{{ .Labels.a.b }}', at: '1:4', problem: '.Labels needs one label name' },
    { text: '{{ $value.x }}', at: '1:4', problem: '$value has no fields' },
    { text: '{{ . }}', at: '1:4', problem: 'unexpected "."' },
    { text: 'x {{ }}', at: '1:3', problem: 'empty action' },
    { text: '{{ | humanize }}', at: '1:4', problem: 'missing command before |' },
    { text: '{{ $value | }}', at: '1:11', problem: 'missing command after |' },
    { text: '{{ $value $value }}', at: '1:11', problem: 'only a function takes arguments' },
    { text: '{{ $value | $value }}', at: '1:13', problem: 'only a function can follow |' },
    { text: '{{ humanize }}', at: '1:4', problem: 'humanize takes one value, not 0' },
    { text: '{{ $value | humanize $value }}', at: '1:13', problem: 'humanize takes one value, not 2' },
    { text: '{{ printf "%s" humanize }}', at: '1:16', problem: 'a function (humanize) cannot be an argument' },
    { text: '{{ printf "%x" $value }}', at: '1:11', problem: 'printf: unsupported verb %x' },
    { text: '{{ printf "%5d" $value }}', at: '1:11', problem: 'printf: unsupported verb %5' },
    { text: '{{ printf "%.2d" $value }}', at: '1:11', problem: 'printf: unsupported verb %.' },
    { text: '{{ printf "50%" }}', at: '1:11', problem: 'printf: unsupported verb %' },
    { text: '{{ printf "%.2f %s" $value }}', at: '1:4', problem: "printf's format has 2 verbs for 1 value" },
    { text: '{{ printf "%s" }}', at: '1:4', problem: "printf's format has 1 verb for 0 values" },
    { text: '{{ printf $value }}', at: '1:4', problem: 'printf needs a format string' },
    { text: '{{ $value | printf }}', at: '1:13', problem: 'printf needs a format string' },
    { text: '{{ (humanize $value) }}', at: '1:4', problem: 'parentheses are not supported' },
    { text: '{{ "abc }}', at: '1:4', problem: 'unterminated string' },
    { text: '{{ "\\q" }}', at: '1:4', problem: 'unsupported escape in string "\\q"' },
    { text: '{{/* open }}', at: '1:3', problem: 'unclosed comment' },
    { text: '{{/* a */ b */}}', at: '1:3', problem: 'unclosed comment' },
    { text: '{{ $value @ }}', at: '1:11', problem: 'unexpected "@"' },
    { text: '{{ 3x }}', at: '1:4', problem: 'unexpected "3"' },
    { text: '{{ $value-}}', at: '1:10', problem: 'unexpected "-"' },
  ])('$text: $at $problem', ({ text, at, problem }) => {
    let error: unknown;
    try {
      parseTemplate(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TemplateError);
    const { line, column, shortMessage } = error as TemplateError;
    expect(`${line}:${column}`).toBe(at);
    expect(shortMessage).toContain(`template error at ${at}: ${problem}`);
  });
});

describe('checkTemplate', () => {
  it.each([
    { text: '{{ $labels.chain }} at {{ $value | humanizeDuration }}', expected: null },
    { text: 'no actions', expected: null },
    { text: '{{ $value | humanise }}', expected: 'template error at 1:13: unknown function "humanise"' },
  ])('$text → $expected', ({ text, expected }) => {
    expect(checkTemplate(text)).toBe(expected);
  });
});
