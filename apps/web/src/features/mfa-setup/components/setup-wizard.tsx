import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useLocation } from 'wouter';
import type {
  FactorConfirmResponse,
  FactorType,
  MfaStatusResponse,
  TotpEnrollResponse,
} from '@twofold/mfa-core/contracts';
import { StepUpProvider } from '../../../components/step-up/step-up-provider';
import { isStepUpCancelled } from '../../../components/step-up/use-step-up';
import { Alert } from '../../../components/ui/alert';
import { useToast } from '../../../components/ui/toast';
import { useMfaStatus } from '../../../api/get-mfa-status';
import { sharedKeys } from '../../../api/shared-keys';
import { useStartEmailFactor } from '../api/start-email-factor';
import { useStartTotp } from '../api/start-totp';
import '../mfa-setup.css';
import { BackupCodesStep } from './backup-codes-step';
import type { EmailCodeSent } from '../../../hooks/use-emailed-code';
import { EmailStep } from './email-step';
import { MethodChoice } from './method-choice';
import { TotpStep } from './totp-step';

/** The method the choice starts on: the app, unless it is already set up. */
function firstAvailable(status: MfaStatusResponse | undefined): FactorType {
  const appActive = status?.factors.some((f) => f.type === 'totp' && f.status === 'active');
  return appActive ? 'email' : 'totp';
}

type Step =
  | { kind: 'choose' }
  | { kind: 'totp'; enrollment: TotpEnrollResponse }
  | { kind: 'email'; sent: EmailCodeSent }
  | { kind: 'backup-codes'; codes: string[] };

const ADDED: Record<FactorType, string> = {
  totp: 'Authenticator app added.',
  email: 'Email codes added.',
};

export interface SetupWizardProps {
  /** The account address, where email codes go. */
  email: string;
  /** The session could only enroll (policy): finishing leads home rather than to settings. */
  enrollOnly: boolean;
}

/**
 * The MFA setup wizard: choose a method, connect and verify it, then save the backup codes.
 * Adding a method may ask "Confirm it's you" first (a second method, or a session signed in
 * more than a few minutes ago); the request then carries on by itself.
 */
export function SetupWizard(props: SetupWizardProps) {
  return (
    <StepUpProvider>
      <Wizard {...props} />
    </StepUpProvider>
  );
}

function Wizard({ email, enrollOnly }: SetupWizardProps) {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const toast = useToast();
  const status = useMfaStatus();
  const startTotp = useStartTotp();
  const startEmail = useStartEmailFactor();
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const [method, setMethod] = useState<FactorType>('totp');
  const [selected, setSelected] = useState<FactorType | null>(null);
  const [finishing, setFinishing] = useState(false);
  // Captured once: the session turns full as soon as the first factor is confirmed.
  const [cameEnrollOnly] = useState(enrollOnly);
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);

  // Each new step takes focus to its heading so keyboard and screen-reader users start there.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [step.kind]);

  function choose(next: FactorType) {
    setMethod(next);
    if (next === 'totp') {
      startEmail.reset();
      startTotp.mutate(undefined, {
        onSuccess: (enrollment) => setStep({ kind: 'totp', enrollment }),
      });
      return;
    }
    startTotp.reset();
    startEmail.mutate(undefined, {
      onSuccess: (sent) => setStep({ kind: 'email', sent }),
      onError: (error) => {
        // A code went out moments ago (a retried wizard): it is still good, so ask for it.
        if (error.code === 'RESEND_TOO_SOON') {
          setStep({
            kind: 'email',
            sent: { resendAvailableAt: Date.now() + (error.retryAfter ?? 60) * 1000 },
          });
          startEmail.reset();
        }
      },
    });
  }

  async function leave(message: string) {
    setFinishing(true);
    toast.show(message, 'success');
    if (cameEnrollOnly) {
      // The enroll-only session is now a full one; the rest of the app must see that first.
      await queryClient.invalidateQueries({ queryKey: sharedKeys.session(), refetchType: 'all' });
      navigate('/', { replace: true });
    } else {
      navigate('/settings/security');
    }
  }

  function confirmed(result: FactorConfirmResponse) {
    if (result.backupCodes?.length) {
      setStep({ kind: 'backup-codes', codes: result.backupCodes });
    } else {
      void leave(ADDED[result.factor.type]);
    }
  }

  function back() {
    startTotp.reset();
    startEmail.reset();
    setStep({ kind: 'choose' });
  }

  // Closing "Confirm it's you" leaves the wizard where it was, with nothing to report.
  const startError = startTotp.error ?? startEmail.error;

  // A user adding a second method gets no new backup codes, so there is no third step.
  const expectsCodes = !status.data?.enabled || step.kind === 'backup-codes';
  // Two-factor is already on: this is another method, not the setup (backup codes come only
  // with the first method, and by then the status says "on").
  const adding = Boolean(status.data?.enabled) && step.kind !== 'backup-codes';
  const pageTitle = adding ? 'Add a two-factor method' : 'Set up two-factor authentication';
  // Before Continue the next step follows the choice on screen (only email may be left).
  const upcoming = step.kind === 'choose' ? (selected ?? firstAvailable(status.data)) : method;
  const connectLabel = upcoming === 'totp' ? 'Connect your app' : 'Verify your email';
  const steps = ['Choose a method', connectLabel, ...(expectsCodes ? ['Save backup codes'] : [])];
  const index = step.kind === 'choose' ? 0 : step.kind === 'backup-codes' ? 2 : 1;

  let title: string;
  let description: ReactNode;
  let content: ReactNode;
  switch (step.kind) {
    case 'choose':
      title = adding ? 'Choose another method' : 'Choose a method';
      description = adding
        ? 'A second way to get codes keeps you able to sign in when the first is not at hand.'
        : 'You will enter a code from it after your password each time you sign in.';
      content = (
        <MethodChoice
          status={status.data}
          statusPending={status.isPending}
          statusError={status.error}
          onRetryStatus={() => void status.refetch()}
          onChoose={choose}
          onSelect={setSelected}
          pending={startTotp.isPending || startEmail.isPending}
          error={isStepUpCancelled(startError) ? null : startError}
        />
      );
      break;
    case 'totp':
      title = 'Connect your authenticator app';
      description = 'Scan the QR code with the app, then enter the code it shows.';
      content = <TotpStep enrollment={step.enrollment} onConfirmed={confirmed} onBack={back} />;
      break;
    case 'email':
      title = 'Check your email';
      description = 'Enter the code we emailed to turn on email codes.';
      content = <EmailStep email={email} sent={step.sent} onConfirmed={confirmed} onBack={back} />;
      break;
    case 'backup-codes':
      title = 'Save your backup codes';
      description = 'Use one of these if you ever lose your phone or cannot get a code.';
      content = (
        <BackupCodesStep
          codes={step.codes}
          email={email}
          finishing={finishing}
          onFinish={() => void leave('Two-factor authentication is on.')}
        />
      );
      break;
  }

  return (
    <div className="stack setup-wizard">
      <title>{`${pageTitle} · Twofold`}</title>
      <header className="stack setup-wizard__intro">
        <h1 className="page__title">{pageTitle}</h1>
        {cameEnrollOnly && step.kind !== 'backup-codes' && (
          <Alert tone="warning" title="Your organisation requires two-factor authentication">
            Set it up now to keep using your account.
          </Alert>
        )}
      </header>

      <ol className="setup-progress" aria-label="Setup progress">
        {steps.map((label, i) => (
          <li
            key={label}
            className={
              i === index
                ? 'setup-progress__item setup-progress__item--current'
                : i < index
                  ? 'setup-progress__item setup-progress__item--done'
                  : 'setup-progress__item'
            }
            aria-current={i === index ? 'step' : undefined}
          >
            <span className="setup-progress__number" aria-hidden="true">
              {i < index ? '✓' : i + 1}
            </span>
            <span className="setup-progress__label">
              {label}
              {i < index && <span className="setup-sr-only"> (done)</span>}
            </span>
          </li>
        ))}
      </ol>

      <section className="card setup-step" aria-labelledby={headingId}>
        <header className="card__header">
          <p className="setup-step__count">
            Step {index + 1} of {steps.length}
          </p>
          <h2 id={headingId} className="card__title" ref={headingRef} tabIndex={-1}>
            {title}
          </h2>
          <p className="card__description">{description}</p>
        </header>
        {content}
      </section>
    </div>
  );
}
