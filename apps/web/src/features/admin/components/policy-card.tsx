import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { usePolicy } from '../api/get-policy';
import { PolicyForm } from './policy-form';

export function PolicyCard() {
  const policy = usePolicy();
  return (
    <Card
      level={2}
      title="Two-factor policy"
      description="Require two-factor authentication per role. After the grace period, people without it can only set it up when they sign in."
    >
      {policy.isPending ? (
        <p className="muted" role="status">
          Loading the policy…
        </p>
      ) : policy.error ? (
        <div className="stack">
          <ErrorAlert error={policy.error} title="Could not load the policy" />
          <div>
            <Button
              variant="secondary"
              pending={policy.isFetching}
              onClick={() => void policy.refetch()}
            >
              Try again
            </Button>
          </div>
        </div>
      ) : (
        <PolicyForm policy={policy.data} />
      )}
    </Card>
  );
}
