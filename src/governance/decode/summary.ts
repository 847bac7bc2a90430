// One line per decoded call, as a chat message shows it: `Treasury.transfer(to=0xAb12…cdEf, value=1,000,000 USDC)`,
// `ProxyAdmin.upgradeAndCall(proxy=vault, implementation=0x9c41…02aB, data=0x)`. Addresses go by their label
// when they have one; token amounts are scaled by the token's decimals where they are known; the calls a call
// carries follow an arrow.

import type { Address } from 'viem';
import type { EventValue } from '../../domain/governance.js';
import { shortAddress } from '../kinds/change.js';
import type { DecodedArgument, DecodedCall } from './decode-call.js';

export interface SummaryContext {
  label(address: Address): string | undefined;
  /** An ERC20's symbol and decimals, when known. */
  token(address: Address): { symbol: string; decimals: number } | undefined;
}

/** The ERC20 functions whose `value`/`amount` argument is an amount of the token called. */
const tokenAmounts = new Set(['transfer', 'approve', 'transferFrom', 'mint', 'burn']);
const maxInner = 5;

const grouped = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** 1000000000000000000000000 with 18 decimals → "1,000,000"; fractions kept, trailing zeros dropped. */
export function formatAmount(raw: string, decimals: number): string {
  if (!/^\d+$/.test(raw)) return raw;
  const padded = raw.padStart(decimals + 1, '0');
  const whole = padded.slice(0, padded.length - decimals);
  const fraction = decimals === 0 ? '' : padded.slice(padded.length - decimals).replace(/0+$/, '');
  return `${grouped(whole)}${fraction ? `.${fraction}` : ''}`;
}

function valueText(value: EventValue, type: string, context: SummaryContext): string {
  if (type === 'address' && typeof value === 'string') return context.label(value as Address) ?? shortAddress(value);
  if (type.startsWith('uint') || type.startsWith('int'))
    return typeof value === 'string' ? grouped(value) : String(value);
  if (type.startsWith('bytes') && typeof value === 'string')
    return value.length > 18 ? `${value.slice(0, 10)}…(${(value.length - 2) / 2} bytes)` : value;
  if (Array.isArray(value))
    return `[${value.map((item) => valueText(item, type.replace(/\[\d*\]$/, ''), context)).join(', ')}]`;
  return JSON.stringify(value);
}

function argumentText(call: DecodedCall, arg: DecodedArgument, context: SummaryContext): string {
  const token = tokenAmounts.has(call.functionName ?? '') ? context.token(call.to) : undefined;
  if (token && (arg.name === 'value' || arg.name === 'amount') && typeof arg.value === 'string')
    return `${arg.name}=${formatAmount(arg.value, token.decimals)} ${token.symbol}`;
  return `${arg.name}=${valueText(arg.value, arg.type, context)}`;
}

/** The one line of a call and the calls it carries. */
export function summarizeCall(call: DecodedCall, context: SummaryContext): string {
  const who = call.label ?? context.label(call.to) ?? shortAddress(call.to);
  const prefix = call.operation === 'delegatecall' ? 'delegatecall ' : '';
  const value = call.value !== '0' ? ` {value: ${formatAmount(call.value, 18)} ETH}` : '';
  const args = () => call.args.map((arg) => argumentText(call, arg, context)).join(', ');
  let head: string;
  if (call.selector === null) head = `${prefix}${who}${value || ' {value: 0 ETH}'}`;
  else if (call.undecoded) head = `${prefix}${who}.${call.selector}(undecoded, ${(call.data!.length - 10) / 2} bytes)`;
  // A call that carries calls is told by what it carries: its own arguments are mostly those calls.
  else if (call.calls.length > 0) head = `${prefix}${who}.${call.functionName}(…)`;
  else head = `${prefix}${who}.${call.functionName}(${args()})`;
  head += call.selector === null ? '' : value;
  if (call.calls.length === 0) return head;
  const inner = call.calls.slice(0, maxInner).map((innerCall) => summarizeCall(innerCall, context));
  const more = call.calls.length > maxInner ? `; … ${call.calls.length - maxInner} more` : '';
  return `${head} → ${inner.join('; ')}${more}`;
}
