import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import {
  StepUpCancelledError,
  StepUpContext,
  isStepUpRequired,
  type RunWithStepUp,
  type StepUpOptions,
} from './use-step-up';
import { StepUpDialog } from './step-up-dialog';

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Gives its subtree `useStepUp().run(action)`: an action answered 403 STEP_UP_REQUIRED opens the
 * "Confirm it's you" dialog, and once the user has re-authenticated the action is sent again.
 * Actions that hit the wall while the dialog is open wait for the same confirmation.
 */
export function StepUpProvider({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const [known, setKnown] = useState<StepUpOptions>({});
  const waiters = useRef<Waiter[]>([]);

  /** confirmed: every waiting action goes again; otherwise each is rejected with `error`. */
  const settle = useCallback((confirmed: boolean, error: unknown = new StepUpCancelledError()) => {
    const pending = waiters.current;
    waiters.current = [];
    setOpen(false);
    for (const waiter of pending) {
      if (confirmed) waiter.resolve();
      else waiter.reject(error);
    }
  }, []);

  // Leaving the page while the dialog is up cancels whatever was waiting for it.
  useEffect(() => () => settle(false), [settle]);

  const run = useCallback<RunWithStepUp>(async (action, options = {}) => {
    try {
      return await action();
    } catch (error) {
      if (!isStepUpRequired(error)) throw error;
      await new Promise<void>((resolve, reject) => {
        waiters.current.push({ resolve, reject });
        setKnown(options);
        setOpen(true);
      });
      return action();
    }
  }, []);

  return (
    <StepUpContext.Provider value={run}>
      {children}
      <StepUpDialog
        open={open}
        knownPassword={known.password}
        onConfirmed={() => settle(true)}
        onCancel={() => settle(false)}
        onRefused={(error) => settle(false, error)}
      />
    </StepUpContext.Provider>
  );
}
