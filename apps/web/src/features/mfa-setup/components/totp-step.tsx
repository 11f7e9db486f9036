import { useId, type FormEvent } from 'react';
import type { FactorConfirmResponse, TotpEnrollResponse } from '@twofold/mfa-core/contracts';
import { isStepUpCancelled } from '../../../components/step-up/use-step-up';
import { Button } from '../../../components/ui/button';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { OtpInput } from '../../../components/ui/otp-input';
import { useCodeField } from '../../../hooks/use-code-field';
import type { ApiError } from '../../../lib/api-error';
import { errorMessage } from '../../../lib/error-messages';
import { useConfirmTotp } from '../api/confirm-totp';
import { groupKey, otpauthLabel } from '../setup-format';
import { useCopyText } from '../../../hooks/use-copy-text';

const CODE_LENGTH = 6;
export const CLOCK_HINT =
  'Codes depend on the time: make sure your phone sets its clock automatically.';

/** Errors about the code itself belong on the field; TOTP needs its own wording for two of them. */
function codeErrorText(error: ApiError): string | undefined {
  switch (error.code) {
    case 'INVALID_CODE':
      return `That code did not match. ${CLOCK_HINT}`;
    case 'CODE_ALREADY_USED':
      return 'That code was just used. Wait for the app to show the next one.';
    case 'VALIDATION_ERROR':
      return errorMessage(error);
    default:
      return undefined;
  }
}

export interface TotpStepProps {
  enrollment: TotpEnrollResponse;
  onConfirmed: (result: FactorConfirmResponse) => void;
  onBack: () => void;
}

/** Step 2 for an authenticator app: scan the QR code (or type the key), then prove it works. */
export function TotpStep({ enrollment, onConfirmed, onBack }: TotpStepProps) {
  const manualId = useId();
  const { account, issuer } = otpauthLabel(enrollment.otpauthUri);
  const copy = useCopyText();
  const confirm = useConfirmTotp();
  const secret = enrollment.secret.replace(/\s/g, '');
  const field = useCodeField({
    length: CODE_LENGTH,
    onEdit: () => {
      if (confirm.isError) confirm.reset();
    },
  });

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = field.take();
    if (code !== null) send(code);
  }

  function send(code: string) {
    if (confirm.isPending) return;
    confirm.mutate(
      { code },
      {
        onSuccess: onConfirmed,
        // A cancelled "Confirm it's you" refused nothing: the code stays for another try.
        onError: (error) => {
          if (!isStepUpCancelled(error)) field.clear();
        },
      },
    );
  }

  const error = isStepUpCancelled(confirm.error) ? null : confirm.error;
  const fieldError = field.incomplete
    ? `Enter the ${CODE_LENGTH}-digit code shown in your authenticator app.`
    : error
      ? codeErrorText(error)
      : undefined;
  const otherError = error && !codeErrorText(error) ? error : null;

  return (
    <div className="stack">
      <div className="totp-scan">
        <img
          className="totp-scan__qr"
          src={enrollment.qrCode}
          width={200}
          height={200}
          alt={`QR code to add ${account} (${issuer}) to your authenticator app`}
        />
        <ol className="totp-scan__steps">
          <li>Open your authenticator app and choose to add an account.</li>
          <li>Scan this QR code with the app, or enter the key below.</li>
          <li>Type the 6-digit code the app shows for {issuer || 'this account'}.</li>
        </ol>
      </div>
      <a className="btn btn--secondary totp-scan__open" href={enrollment.otpauthUri}>
        Open in an authenticator app on this device
      </a>

      <section className="manual-key" aria-labelledby={manualId}>
        <h3 id={manualId} className="manual-key__title">
          Can&apos;t scan it? Enter this key
        </h3>
        <div className="manual-key__row">
          <code className="manual-key__value">{groupKey(enrollment.secret)}</code>
          <Button variant="secondary" onClick={() => void copy(secret, 'Key copied')}>
            Copy key
          </Button>
        </div>
        <dl className="manual-key__details">
          <div>
            <dt>Account</dt>
            <dd className="break-all">{account}</dd>
          </div>
          <div>
            <dt>Issuer</dt>
            <dd>{issuer}</dd>
          </div>
          <div>
            <dt>Type</dt>
            <dd>Time-based, 6 digits</dd>
          </div>
        </dl>
      </section>

      <form className="stack" onSubmit={handleSubmit} noValidate>
        <ErrorAlert error={otherError} />
        <OtpInput
          label="6-digit code from the app"
          name="code"
          value={field.code}
          onChange={field.change}
          onComplete={send}
          length={CODE_LENGTH}
          error={fieldError}
          required
        />
        <Button type="submit" pending={confirm.isPending}>
          {confirm.isPending ? 'Verifying…' : 'Verify and continue'}
        </Button>
      </form>

      <div className="row">
        <Button variant="link" onClick={onBack}>
          Choose another method
        </Button>
      </div>
    </div>
  );
}
