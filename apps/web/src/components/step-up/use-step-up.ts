import { createContext, useContext } from 'react';
import { ApiError } from '../../lib/api-error';

/** What the screen has already asked the person for, so "Confirm it's you" does not ask again. */
export interface StepUpOptions {
  /**
   * The account password the form just took (changing the password asks for the current one):
   * the dialog then asks only for a code, and a refused password rejects the action with
   * INVALID_CREDENTIALS for the form to show on its own field.
   */
  password?: string;
}

/** Runs a request; if the API asks for a fresh re-authentication, asks the user, then retries it. */
export type RunWithStepUp = <T>(action: () => Promise<T>, options?: StepUpOptions) => Promise<T>;

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

/**
 * `run(action)`: every request the API may answer 403 STEP_UP_REQUIRED goes through it (the
 * security settings, the setup wizard, the admin page). Needs a <StepUpProvider> above it: each
 * of those pages has one. Shared here because features do not import each other.
 */
export function useStepUp(): { run: RunWithStepUp } {
  const run = useContext(StepUpContext);
  if (!run) throw new Error('useStepUp needs a <StepUpProvider>');
  return { run };
}
