// Deterministic pseudo-random values of the simulated chain: every root, public key and coin flip is a
// hash of the seed and what it is for, so two simulators with the same seed and clock agree byte for byte.
// A 32-bit integer mix (murmur3's finalizer) is enough: nothing here has to resist an adversary, and it is
// fast enough to flip a coin for a million validators each epoch.

/** What a hash is drawn for, so that the same numbers never give correlated values. */
export const Tag = {
  Pubkey: 1,
  PubkeyMask: 2,
  Credentials: 3,
  BlockRoot: 4,
  StateRoot: 5,
  BodyRoot: 6,
  Signature: 7,
  Proposer: 8,
  ProposalMiss: 9,
  AttestationMiss: 10,
  AttestationSlot: 11,
  SyncCommittee: 12,
  SyncMiss: 13,
  InitialBalance: 14,
  GenesisRoot: 15,
  ExecutionBlockHash: 16,
  ExecutionPayload: 17,
  BlockBody: 18,
} as const;
export type Tag = (typeof Tag)[keyof typeof Tag];

function fmix(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The inverse of `fmix` (murmur3's finalizer is a bijection on 32-bit integers). */
function unfmix(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7ed1b41d);
  h ^= (h >>> 13) ^ (h >>> 26);
  h = Math.imul(h, 0xa5cb9243);
  h ^= h >>> 16;
  return h >>> 0;
}

function step(h: number, value: number): number {
  // Values above 2^32 (none expected: slots and epochs stay far below) keep their high bits.
  const low = value >>> 0;
  const high = Math.floor(value / 4294967296) >>> 0;
  return fmix((Math.imul(h ^ low, 0xcc9e2d51) + high + 0x9e3779b9) | 0);
}

/** A 32-bit hash of up to five numbers. */
export function hash(seed: number, tag: Tag, a = 0, b = 0, c = 0): number {
  return step(step(step(step(fmix(seed ^ 0x5bd1e995), tag), a), b), c);
}

/** A hash mapped to [0, 1). */
export function unit(seed: number, tag: Tag, a = 0, b = 0, c = 0): number {
  return hash(seed, tag, a, b, c) / 4294967296;
}

/** A seed given as text or number, as a 32-bit integer. */
export function seedOf(seed: number | string): number {
  const text = String(seed);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return fmix(h);
}

function word(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

/** `bytes` (a multiple of 4) of hex, 0x-prefixed, drawn from (seed, tag, a, b). */
export function hexOf(bytes: number, seed: number, tag: Tag, a: number, b = 0): string {
  let text = '0x';
  for (let k = 0; k < bytes / 4; k += 1) text += word(hash(seed, tag, a, b, k));
  return text;
}

export const zeroRoot = `0x${'0'.repeat(64)}`;

/**
 * A validator's 48-byte public key. The first byte looks like a compressed BLS point's (0x80-0x9f); the last
 * four bytes are the index through a bijective mix, so a key given to the API finds its validator without a
 * lookup table.
 */
export function pubkeyOf(seed: number, index: number): string {
  let text = `0x${word((hash(seed, Tag.Pubkey, index, 0, 0) & 0x1fffffff) | 0x80000000)}`;
  for (let k = 1; k < 11; k += 1) text += word(hash(seed, Tag.Pubkey, index, 0, k));
  return text + word(fmix(index ^ hash(seed, Tag.PubkeyMask)));
}

/** The index a public key was made for, or null when no validator of this seed has it. */
export function indexOfPubkey(seed: number, pubkey: string, count: number): number | null {
  if (!/^0x[0-9a-fA-F]{96}$/.test(pubkey)) return null;
  const index = (unfmix(Number.parseInt(pubkey.slice(-8), 16)) ^ hash(seed, Tag.PubkeyMask)) >>> 0;
  return index < count && pubkeyOf(seed, index) === pubkey.toLowerCase() ? index : null;
}

/** 0x01 credentials (an execution address) for most validators, 0x00 (BLS) for about one in ten. */
export function withdrawalCredentialsOf(seed: number, index: number): string {
  const bls = hash(seed, Tag.Credentials, index, 1) % 10 === 0;
  if (bls) return `0x00${hexOf(32, seed, Tag.Credentials, index).slice(4)}`;
  return `0x01${'0'.repeat(22)}${hexOf(20, seed, Tag.Credentials, index).slice(2)}`;
}
