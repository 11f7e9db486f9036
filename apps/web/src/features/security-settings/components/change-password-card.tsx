import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { TextField } from '../../../components/ui/text-field';
import { useToast } from '../../../components/ui/toast';
import { fieldErrors } from '../../../lib/error-messages';
import { useChangePassword } from '../api/change-password';
import { passwordErrorMessage } from '../../../components/step-up/factor-wording';
import { isStepUpCancelled } from '../../../components/step-up/use-step-up';

const MIN_LENGTH = 8;

export function ChangePasswordCard() {
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [problems, setProblems] = useState<{ current?: string; next?: string }>({});
  const change = useChangePassword();
  const toast = useToast();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found: typeof problems = {};
    if (!currentPassword) found.current = 'Enter your current password.';
    if (newPassword.length < MIN_LENGTH) found.next = `Use at least ${MIN_LENGTH} characters.`;
    else if (newPassword === currentPassword)
      found.next = 'Choose a password different from your current one.';
    setProblems(found);
    if (found.current || found.next) return;
    change.mutate(
      { currentPassword, newPassword },
      {
        onSuccess: () => {
          setCurrentPassword('');
          setNewPassword('');
          toast.show(
            'Password changed. Your other sessions and trusted browsers were signed out.',
            'success',
          );
        },
      },
    );
  }

  const error = isStepUpCancelled(change.error) ? null : change.error;
  const fields = fieldErrors(error);
  const currentError =
    problems.current ??
    (error?.code === 'INVALID_CREDENTIALS' ? passwordErrorMessage(error, 'current') : undefined) ??
    fields.currentPassword;
  const newError =
    problems.next ??
    (error?.code === 'WEAK_PASSWORD' ? error.message : undefined) ??
    fields.newPassword;
  const otherError =
    error && !['INVALID_CREDENTIALS', 'WEAK_PASSWORD', 'VALIDATION_ERROR'].includes(error.code)
      ? error
      : null;

  return (
    <Card
      level={2}
      title="Change password"
      description="Your other sessions and trusted browsers will be signed out."
    >
      <form className="stack" onSubmit={handleSubmit} noValidate>
        <ErrorAlert error={otherError} />
        <TextField
          label="Current password"
          name="current-password"
          type="password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={(event) => setCurrentPassword(event.target.value)}
          error={currentError}
        />
        <TextField
          label="New password"
          name="new-password"
          type="password"
          autoComplete="new-password"
          value={newPassword}
          onChange={(event) => setNewPassword(event.target.value)}
          hint={`At least ${MIN_LENGTH} characters. A long phrase is easiest to remember.`}
          error={newError}
        />
        <div>
          <Button type="submit" pending={change.isPending}>
            {change.isPending ? 'Changing…' : 'Change password'}
          </Button>
        </div>
      </form>
    </Card>
  );
}
