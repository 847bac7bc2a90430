// Numbers read and printed as Prometheus' Go templates do, for annotation templates (template.ts): Go's
// strconv.ParseFloat, its %v, %g and %f (rounding ties to even), and Prometheus' humanize functions.

/** Go's strconv.ParseFloat, which Prometheus' functions apply to strings, for decimal numbers. */
export function parseGoFloat(value: string | number): number | null {
  if (typeof value === 'number') return value;
  if (/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(value)) return Number(value);
  if (/^[+-]?inf(?:inity)?$/i.test(value)) return value.startsWith('-') ? -Infinity : Infinity;
  return /^nan$/i.test(value) ? NaN : null;
}

/** Prometheus' humanize: four significant digits and an SI prefix (k, M… or m, u…), then `unit`. */
export function withSiPrefix(value: number, unit: string): string {
  if (value === 0 || !Number.isFinite(value)) return `${goFloat(value, 4)}${unit}`;
  const large = Math.abs(value) >= 1;
  let prefix = '';
  for (const candidate of large ? 'kMGTPEZY' : 'munpfazy') {
    if (large ? Math.abs(value) < 1000 : Math.abs(value) >= 1) break;
    prefix = candidate;
    value = large ? value / 1000 : value * 1000;
  }
  return `${goFloat(value, 4)}${prefix}${unit}`;
}

/** Prometheus' humanizeDuration, of seconds: `1d 2h 3m 4s` down to whole minutes, then `4.5s`, `12ms`. */
export function humanizeDuration(seconds: number): string {
  if (Number.isNaN(seconds) || !Number.isFinite(seconds)) return goFloat(seconds, 4);
  if (seconds === 0 || Math.abs(seconds) < 1) return withSiPrefix(seconds, 's');
  const sign = seconds < 0 ? '-' : '';
  const whole = Math.trunc(Math.abs(seconds));
  const [days, hours, minutes, rest] = [
    Math.trunc(whole / 86_400),
    Math.trunc(whole / 3_600) % 24,
    Math.trunc(whole / 60) % 60,
    whole % 60,
  ];
  if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${rest}s`;
  if (hours !== 0) return `${sign}${hours}h ${minutes}m ${rest}s`;
  if (minutes !== 0) return `${sign}${minutes}m ${rest}s`;
  return `${sign}${goFloat(Math.abs(seconds), 4)}s`;
}

// Go's float formatting, exactly: JavaScript's toFixed and toPrecision round exact ties up, Go to even.

/** round-half-even(|x| × 10^scale), computed exactly from the double's binary value. */
function scaledRound(x: number, scale: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  let numerator = (bits & 0xf_ffff_ffff_ffffn) | (biased === 0 ? 0n : 1n << 52n);
  let denominator = 1n;
  const twos = Math.max(biased, 1) - 1075;
  if (twos >= 0) numerator <<= BigInt(twos);
  else denominator <<= BigInt(-twos);
  if (scale >= 0) numerator *= 10n ** BigInt(scale);
  else denominator *= 10n ** BigInt(-scale);
  const quotient = numerator / denominator;
  const twiceRest = 2n * (numerator % denominator);
  return twiceRest > denominator || (twiceRest === denominator && quotient % 2n === 1n) ? quotient + 1n : quotient;
}

const special = (x: number) => (Number.isNaN(x) ? 'NaN' : x > 0 ? '+Inf' : '-Inf');
const signOf = (x: number) => (x < 0 || Object.is(x, -0) ? '-' : '');

/** Go's `%.<decimals>f`. */
export function goFixed(x: number, decimals: number): string {
  if (!Number.isFinite(x)) return special(x);
  const digits = scaledRound(x, decimals)
    .toString()
    .padStart(decimals + 1, '0');
  return signOf(x) + (decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`);
}

/** Go's `%.<significant>g`, or `%v` (shortest digits that read back the same) without `significant`. */
export function goFloat(x: number, significant?: number): string {
  if (!Number.isFinite(x)) return special(x);
  if (x === 0) return `${signOf(x)}0`;
  let digits: string;
  let exponent: number;
  if (significant === undefined) {
    const [mantissa, power] = Math.abs(x).toExponential().split('e') as [string, string];
    [digits, exponent] = [mantissa.replace('.', ''), Number(power)];
  } else {
    exponent = Math.floor(Math.log10(Math.abs(x)));
    for (;;) {
      digits = scaledRound(x, significant - 1 - exponent).toString();
      if (digits.length === significant) break;
      exponent += digits.length > significant ? 1 : -1;
    }
    digits = digits.replace(/0+$/, '');
  }
  // Go's %g: the exponent form below 1e-4, and from 10^precision up (10^6 for the shortest form).
  if (exponent < -4 || exponent >= (significant ?? 6)) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${signOf(x)}${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${signOf(x)}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = exponent + 1;
  return (
    signOf(x) +
    (digits.length <= whole ? digits.padEnd(whole, '0') : `${digits.slice(0, whole)}.${digits.slice(whole)}`)
  );
}
