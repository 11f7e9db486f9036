import { useEffect, useState } from 'react';

function secondsBetween(targetMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil((targetMs - nowMs) / 1000));
}

/**
 * Whole seconds left until `target` (an ISO timestamp or epoch milliseconds), ticking once a
 * second and stopping at 0. `undefined` or an unparsable value counts as "already passed".
 */
export function useSecondsUntil(target: string | number | undefined): number {
  const targetMs = typeof target === 'string' ? Date.parse(target) : (target ?? Number.NaN);
  const [now, setNow] = useState(() => Date.now());
  const remaining = Number.isNaN(targetMs) ? 0 : secondsBetween(targetMs, now);
  const running = remaining > 0;

  useEffect(() => {
    // A stale `now` only overstates the time left, so nothing to do once it reads 0.
    if (!running) return;
    const tick = () => setNow(Date.now());
    // Re-read the clock at once so a new target is not measured against an old `now`.
    const first = setTimeout(tick, 0);
    const interval = setInterval(tick, 1000);
    return () => {
      clearTimeout(first);
      clearInterval(interval);
    };
  }, [targetMs, running]);

  return remaining;
}
