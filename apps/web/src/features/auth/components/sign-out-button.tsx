import { Button, type ButtonProps } from '../../../components/ui/button';
import { errorMessage } from '../../../lib/error-messages';
import { useLogout } from '../api/logout';

export interface SignOutButtonProps extends Omit<ButtonProps, 'onClick' | 'pending'> {
  onSignedOut?: () => void;
}

export function SignOutButton({
  onSignedOut,
  variant = 'secondary',
  children = 'Sign out',
  ...rest
}: SignOutButtonProps) {
  const logout = useLogout();
  return (
    <>
      <Button
        {...rest}
        variant={variant}
        pending={logout.isPending}
        onClick={() => logout.mutate(undefined, { onSuccess: () => onSignedOut?.() })}
      >
        {children}
      </Button>
      {logout.error && (
        <span role="alert" className="inline-error">
          {errorMessage(logout.error)}
        </span>
      )}
    </>
  );
}
