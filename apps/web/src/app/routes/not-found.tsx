import { Link } from 'wouter';
import { Card } from '../../components/ui/card';

export function NotFoundPage() {
  return (
    <div className="page">
      <title>Page not found · Twofold</title>
      <Card title="Page not found" description="There is nothing at this address.">
        <Link href="/" className="btn btn--primary btn--block">
          Go to the start page
        </Link>
      </Card>
    </div>
  );
}
