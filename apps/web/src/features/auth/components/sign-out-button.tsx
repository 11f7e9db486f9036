import { Button, type ButtonProps } from '../../../components/ui/button';
import { useToast } from '../../../components/ui/toast';
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
  const toast = useToast();
  return (
    <Button
      {...rest}
      variant={variant}
      pending={logout.isPending}
      onClick={() =>
        logout.mutate(undefined, {
          onSuccess: () => onSignedOut?.(),
          // A notice, not a line beside the button: the button sits in the header menu, which
          // must stay one row.
          onError: (error) => toast.show(`Could not sign out. ${errorMessage(error)}`, 'error'),
        })
      }
    >
      {children}
    </Button>
  );
}
