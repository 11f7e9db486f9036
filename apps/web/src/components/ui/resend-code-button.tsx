import { formatCountdown } from '../../lib/format';
import { Button } from './button';

export interface ResendCodeButtonProps {
  /** Seconds until the API allows another code; 0 or less enables the button. */
  secondsLeft: number;
  pending: boolean;
  onResend: () => void;
}

/** "Resend code", disabled with a countdown until the resend window opens. */
export function ResendCodeButton({ secondsLeft, pending, onResend }: ResendCodeButtonProps) {
  return (
    <Button variant="link" onClick={onResend} disabled={secondsLeft > 0} pending={pending}>
      {secondsLeft > 0 ? `Resend code in ${formatCountdown(secondsLeft)}` : 'Resend code'}
    </Button>
  );
}
