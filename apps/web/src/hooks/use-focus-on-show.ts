import { useEffect } from 'react';

/**
 * Puts focus on the element with `id` when it appears (and again when `key` changes). Deferred a
 * tick: a <dialog> opened with showModal() in an effect moves focus to its first control (the
 * close button) after React's autoFocus has run, so autoFocus alone never lands in a dialog.
 */
export function useFocusOnShow(id: string | null, key?: unknown) {
  useEffect(() => {
    if (!id) return;
    const timer = setTimeout(() => document.getElementById(id)?.focus(), 0);
    return () => clearTimeout(timer);
  }, [id, key]);
}
