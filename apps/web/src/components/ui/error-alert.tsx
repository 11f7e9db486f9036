import type { ApiError } from '../../lib/api-error';
import { errorMessage } from '../../lib/error-messages';
import { Alert } from './alert';

/** Renders any request failure the same way; nothing when there is none. */
export function ErrorAlert({
  error,
  title,
}: {
  error: ApiError | null | undefined;
  title?: string;
}) {
  if (!error) return null;
  return (
    <Alert tone="error" title={title}>
      {errorMessage(error)}
    </Alert>
  );
}
