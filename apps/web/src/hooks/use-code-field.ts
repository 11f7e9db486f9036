import { useState } from 'react';

export interface CodeFieldOptions {
  /** Digits a complete code has. */
  length?: number;
  /** What is typed first, e.g. a code carried in from an emailed link. */
  initial?: string;
  /** Runs on every edit, e.g. to clear the last refusal while the person corrects the code. */
  onEdit?: () => void;
}

/**
 * The state of a one-time-code field: what was typed, and whether the last submit found it
 * incomplete (so the field can say "Enter the 6-digit code" instead of asking the server).
 */
export function useCodeField({ length = 6, initial = '', onEdit }: CodeFieldOptions = {}) {
  const [code, setCode] = useState(initial);
  const [incomplete, setIncomplete] = useState(false);

  return {
    code,
    length,
    incomplete,
    change(next: string) {
      setCode(next);
      setIncomplete(false);
      onEdit?.();
    },
    clear() {
      setCode('');
      setIncomplete(false);
    },
    /** The complete code to send, or null (and the field flagged) when it is too short. */
    take(): string | null {
      if (code.length !== length) {
        setIncomplete(true);
        return null;
      }
      return code;
    },
  };
}
