import type { RandomSource } from '../../src/index.js';

/** Hands out the given byte chunks in order, one per call, and fails loudly when they run out. */
export function scriptedRandom(
  chunks: ReadonlyArray<ArrayLike<number>>,
): RandomSource & { calls: number } {
  const queue = [...chunks];
  const source = Object.assign(
    (byteCount: number): Uint8Array => {
      const next = queue.shift();
      if (next === undefined) throw new Error('scriptedRandom: out of bytes');
      if (next.length !== byteCount)
        throw new Error(`scriptedRandom: asked for ${byteCount}, have ${next.length}`);
      source.calls += 1;
      return Uint8Array.from(next);
    },
    { calls: 0 },
  );
  return source;
}

/** A deterministic, statistically reasonable byte stream (xorshift32) for distribution tests. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0 || 1;
  return (byteCount) => {
    const bytes = new Uint8Array(byteCount);
    for (let i = 0; i < byteCount; i += 1) {
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      bytes[i] = state >>> 24;
    }
    return bytes;
  };
}

/** Big-endian bytes of a 32-bit unsigned integer. */
export function uint32Bytes(value: number): number[] {
  return [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}
