/** The security settings page (factors, backup codes, trusted browsers, sessions, timeline). */
export function SecuritySettings() {
  return <p>Security settings are being prepared.</p>;
}
