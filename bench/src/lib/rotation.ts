import { generateTotp } from '@twofold/mfa-core';
import type { Rotation } from './load-spec.js';

export interface NextRequest {
  headers: Record<string, string>;
  body?: string;
}

/** A stateful source of per-request headers and bodies for one rotation. */
export function createRotation(rotation: Rotation | undefined, now: () => number = Date.now) {
  let index = 0;
  let exhausted = false;
  const next = (): NextRequest => {
    if (!rotation) return { headers: {} };
    switch (rotation.kind) {
      case 'cookies': {
        const cookie = rotation.cookies[index++ % rotation.cookies.length]!;
        return { headers: { cookie } };
      }
      case 'bodies':
        return { headers: {}, body: rotation.bodies[index++ % rotation.bodies.length]! };
      case 'totp': {
        if (index >= rotation.pairs.length) exhausted = true;
        const pair = rotation.pairs[Math.min(index++, rotation.pairs.length - 1)]!;
        const code = generateTotp({ secret: pair.secret, now: now() });
        return { headers: { cookie: pair.cookie }, body: JSON.stringify({ method: 'totp', code }) };
      }
    }
  };
  return {
    next,
    get used() {
      return index;
    },
    get exhausted() {
      return exhausted;
    },
  };
}
