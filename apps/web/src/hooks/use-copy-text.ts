import { useCallback } from 'react';
import { useToast } from '../components/ui/toast';

/**
 * Copies text and confirms with a toast. The async Clipboard API only exists on secure origins
 * (https, localhost), so a failure says how to copy by hand instead of failing silently.
 */
export function useCopyText(): (text: string, confirmation: string) => Promise<void> {
  const toast = useToast();
  return useCallback(
    async (text, confirmation) => {
      try {
        if (!navigator.clipboard) throw new Error('Clipboard unavailable');
        await navigator.clipboard.writeText(text);
        toast.show(confirmation, 'success');
      } catch {
        toast.show('Could not copy. Select the text and copy it yourself.', 'error');
      }
    },
    [toast],
  );
}
