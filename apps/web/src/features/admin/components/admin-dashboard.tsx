/** The admin page (MFA policy and users). */
export function AdminDashboard() {
  return <p>The admin page is being prepared.</p>;
}
