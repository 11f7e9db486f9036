import { useId, useState, type FormEvent } from 'react';
import type {
  MfaPolicyResponse,
  RolePolicy,
  RolePolicyState,
  UserRole,
} from '@twofold/mfa-core/contracts';
import { isStepUpCancelled } from '../../../components/step-up/use-step-up';
import { Button } from '../../../components/ui/button';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { TextField } from '../../../components/ui/text-field';
import { useToast } from '../../../components/ui/toast';
import type { ApiError } from '../../../lib/api-error';
import { useUpdatePolicy } from '../api/update-policy';
import { formatDate, roleLabels } from '../labels';

const MAX_GRACE_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;

interface RoleDraft {
  role: UserRole;
  required: boolean;
  /** As typed: validated on save. */
  graceDays: string;
}

type RoleErrors = Partial<Record<UserRole, string>>;

function parseGraceDays(raw: string): number | undefined {
  const trimmed = raw.trim();
  if (!/^\d{1,3}$/.test(trimmed)) return undefined;
  const days = Number(trimmed);
  return days <= MAX_GRACE_DAYS ? days : undefined;
}

/** VALIDATION_ERROR details point into the body sent ("/roles/1/graceDays"): back to a role. */
function serverRoleErrors(error: ApiError | null, sent: readonly RolePolicy[]): RoleErrors {
  if (error?.code !== 'VALIDATION_ERROR' || !error.details) return {};
  const result: RoleErrors = {};
  for (const detail of error.details) {
    const match = /^\/roles\/(\d+)\/graceDays$/.exec(detail.path);
    const role = match ? sent[Number(match[1])]?.role : undefined;
    if (role && !result[role]) result[role] = `Grace days ${detail.message}.`;
  }
  return result;
}

/** Per-role "require MFA" switches with their grace periods; saves both roles at once. */
export function PolicyForm({ policy }: { policy: MfaPolicyResponse }) {
  const [drafts, setDrafts] = useState<RoleDraft[]>(() =>
    policy.roles.map(({ role, required, graceDays }) => ({
      role,
      required,
      graceDays: String(graceDays),
    })),
  );
  const [localErrors, setLocalErrors] = useState<RoleErrors>({});
  const [sent, setSent] = useState<RolePolicy[]>([]);
  const update = useUpdatePolicy();
  const toast = useToast();

  // A cancelled "Confirm it's you" saved nothing and needs no message.
  const error = isStepUpCancelled(update.error) ? null : update.error;
  const remoteErrors = serverRoleErrors(error, sent);
  const unplaced = error && Object.keys(remoteErrors).length === 0 ? error : null;

  function edit(role: UserRole, change: Partial<RoleDraft>) {
    setDrafts((all) => all.map((draft) => (draft.role === role ? { ...draft, ...change } : draft)));
    setLocalErrors((errors) => ({ ...errors, [role]: undefined }));
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const errors: RoleErrors = {};
    const roles: RolePolicy[] = [];
    for (const draft of drafts) {
      const graceDays = parseGraceDays(draft.graceDays);
      if (graceDays === undefined)
        errors[draft.role] = 'Enter a whole number of days from 0 to 365.';
      else roles.push({ role: draft.role, required: draft.required, graceDays });
    }
    setLocalErrors(errors);
    if (Object.keys(errors).length > 0) {
      update.reset();
      const first = drafts.find((draft) => errors[draft.role]);
      if (first) document.getElementById(`grace-days-${first.role}`)?.focus();
      return;
    }
    setSent(roles);
    update.mutate(
      { roles },
      { onSuccess: () => toast.show('Two-factor policy saved.', 'success') },
    );
  }

  return (
    <form className="stack" onSubmit={handleSubmit} noValidate>
      <ErrorAlert error={unplaced} title="The policy was not saved" />
      <div className="policy-roles">
        {drafts.map((draft) => (
          <RoleFieldset
            key={draft.role}
            draft={draft}
            saved={policy.roles.find((rule) => rule.role === draft.role)}
            error={localErrors[draft.role] ?? remoteErrors[draft.role]}
            onChange={(change) => edit(draft.role, change)}
          />
        ))}
      </div>
      <div className="row">
        <Button type="submit" pending={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save policy'}
        </Button>
      </div>
    </form>
  );
}

function RoleFieldset({
  draft,
  saved,
  error,
  onChange,
}: {
  draft: RoleDraft;
  saved: RolePolicyState | undefined;
  error: string | undefined;
  onChange: (change: Partial<RoleDraft>) => void;
}) {
  const statusId = useId();
  return (
    <fieldset className="policy-role">
      <legend className="policy-role__legend">{roleLabels[draft.role]}</legend>
      <label className="switch">
        <input
          type="checkbox"
          role="switch"
          className="switch__input"
          checked={draft.required}
          aria-describedby={statusId}
          onChange={(event) => onChange({ required: event.target.checked })}
        />
        <span className="switch__track" aria-hidden="true" />
        <span>Require two-factor authentication</span>
      </label>
      <p id={statusId} className="policy-role__status muted">
        <RequirementStatus draft={draft} saved={saved} />
      </p>
      <TextField
        id={`grace-days-${draft.role}`}
        label="Grace days"
        type="number"
        inputMode="numeric"
        min={0}
        max={MAX_GRACE_DAYS}
        step={1}
        className="policy-role__days"
        value={draft.graceDays}
        onChange={(event) => onChange({ graceDays: event.target.value })}
        error={error}
        hint="Days someone without two-factor authentication can still sign in normally (0–365)."
      />
    </fieldset>
  );
}

function RequirementStatus({
  draft,
  saved,
}: {
  draft: RoleDraft;
  saved: RolePolicyState | undefined;
}) {
  // Read once: the sentence does not need to change while the page is open.
  const [now] = useState(() => Date.now());
  if (!draft.required) {
    return saved?.required ? <>No longer required once you save.</> : <>Not required.</>;
  }
  if (!saved?.required || !saved.requiredSince) return <>Required from when you save.</>;
  const since = formatDate(saved.requiredSince);
  const graceEnds = Date.parse(saved.requiredSince) + saved.graceDays * DAY_MS;
  // With no grace days, or once they are over, a date would already be past: say what happens.
  if (saved.graceDays === 0) {
    return (
      <>
        Required since {since}, with no grace period: people without it set it up the next time they
        sign in.
      </>
    );
  }
  if (graceEnds <= now) {
    return (
      <>
        Required since {since}. The grace period ended on {formatDate(new Date(graceEnds))}: people
        without it set it up the next time they sign in.
      </>
    );
  }
  return (
    <>
      Required since {since}. People who already had an account have until{' '}
      {formatDate(new Date(graceEnds))} to set it up.
    </>
  );
}
