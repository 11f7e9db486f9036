import { createContext, useContext } from 'react';
import { ApiError } from '../../../lib/api-error';

/** Runs a request; if the API asks for a fresh re-authentication, asks the user, then retries it. */
export type RunWithStepUp = <T>(action: () => Promise<T>) => Promise<T>;

export const StepUpContext = createContext<RunWithStepUp | null>(null);

/** The user closed the "Confirm it's you" dialog: the action did not happen, nothing to report. */
export class StepUpCancelledError extends ApiError {
  constructor() {
    super({
      code: 'STEP_UP_REQUIRED',
      message: 'Identity confirmation was cancelled.',
      status: 403,
    });
  }
}

export function isStepUpCancelled(error: unknown): boolean {
  return error instanceof StepUpCancelledError;
}

export function isStepUpRequired(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'STEP_UP_REQUIRED';
}

/** `run(action)`: every step-up route on the page goes through it. Needs a <StepUpProvider>. */
export function useStepUp(): { run: RunWithStepUp } {
  const run = useContext(StepUpContext);
  if (!run) throw new Error('useStepUp needs a <StepUpProvider>');
  return { run };
}
