import { Alert } from '../../components/ui/alert';
import { AdminDashboard } from '../../features/admin/components/admin-dashboard';
import { RequireSession } from './auth-redirects';

export function AdminPage() {
  return (
    <div className="page page--wide page--admin stack">
      <title>Admin · Twofold</title>
      <RequireSession>
        {(data) =>
          data.user.role === 'admin' ? (
            <AdminDashboard currentUserId={data.user.id} />
          ) : (
            <Alert tone="error" title="Admins only">
              This page is for administrators.
            </Alert>
          )
        }
      </RequireSession>
    </div>
  );
}
