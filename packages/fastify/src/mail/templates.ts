/** Every message has a plain-text and an HTML part built from the same lines. */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

interface Block {
  paragraphs: string[];
  code?: string;
  link?: { href: string; label: string };
}

function renderAs(
  appName: string,
  subject: string,
  { paragraphs, code, link }: Block,
): MailContent {
  const text = [
    ...paragraphs,
    ...(code ? [`    ${code}`] : []),
    ...(link ? [`${link.label}: ${link.href}`] : []),
    `— ${appName}`,
  ].join('\n\n');
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2937">
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${code ? `<p style="font-size:28px;font-weight:700;letter-spacing:6px;font-family:ui-monospace,monospace">${escapeHtml(code)}</p>` : ''}
${link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>` : ''}
<p style="color:#6b7280">— ${escapeHtml(appName)}</p>
</body></html>`;
  return { subject, text, html };
}

const ignoreIfNotYou = 'If you did not ask for this, you can ignore this email.';
const notYou = 'If this was not you, change your password now and contact your administrator.';

/**
 * Every message Twofold mails, signed and named with the app's name (`APP_NAME`, "Twofold" by
 * default): a shop's customers get "Your Shop sign-in code".
 */
export function createTemplates(appName = 'Twofold') {
  const render = (subject: string, block: Block) => renderAs(appName, subject, block);
  return {
    verifyEmail: (code: string, minutes: number) =>
      render(`Your ${appName} verification code`, {
        paragraphs: [
          `Use this code to verify your email address. It expires in ${minutes} minutes.`,
          ignoreIfNotYou,
        ],
        code,
      }),

    registrationAttempt: (signInUrl: string, resetUrl: string) =>
      render(`Someone tried to create a ${appName} account with your email`, {
        paragraphs: [
          'Someone tried to sign up with this email address, but it already has an account.',
          `If it was you, sign in instead (${signInUrl}) or reset your password (${resetUrl}).`,
          'If it was not you, no action is needed: nothing was changed.',
        ],
      }),

    passwordResetCode: (code: string, minutes: number, link: string) =>
      render(`Your ${appName} password reset code`, {
        paragraphs: [
          `Use this code to choose a new password. It expires in ${minutes} minutes.`,
          ignoreIfNotYou,
        ],
        code,
        link: { href: link, label: 'Reset your password' },
      }),

    signInCode: (code: string, minutes: number) =>
      render(`Your ${appName} sign-in code`, {
        paragraphs: [
          `Use this code to finish signing in. It expires in ${minutes} minutes.`,
          'If you are not signing in right now, someone knows your password: change it.',
        ],
        code,
      }),

    enrollCode: (code: string, minutes: number) =>
      render('Confirm email as your second factor', {
        paragraphs: [
          `Use this code to turn on sign-in codes by email. It expires in ${minutes} minutes.`,
          ignoreIfNotYou,
        ],
        code,
      }),

    stepUpCode: (code: string, minutes: number) =>
      render(`Your ${appName} confirmation code`, {
        paragraphs: [
          `Use this code to confirm a security change. It expires in ${minutes} minutes.`,
          ignoreIfNotYou,
        ],
        code,
      }),

    mfaEnabled: (method: string) =>
      render('Two-factor authentication is on', {
        paragraphs: [
          `Two-factor authentication was turned on for your account, with ${method.toLowerCase()}.`,
          'Every other signed-in session was ended. Keep your backup codes somewhere safe.',
          notYou,
        ],
      }),

    mfaDisabled: () =>
      render('Two-factor authentication is off', {
        paragraphs: [
          'Two-factor authentication was turned off for your account. Your password alone now signs you in.',
          notYou,
        ],
      }),

    factorAdded: (method: string) =>
      render('A second factor was added', {
        paragraphs: [`${method} was added as a way to confirm your sign-ins.`, notYou],
      }),

    factorRemoved: (method: string) =>
      render('A second factor was removed', {
        paragraphs: [`${method} was removed from your account.`, notYou],
      }),

    backupCodesRegenerated: () =>
      render('New backup codes were created', {
        paragraphs: [
          'A new set of backup codes was created for your account; the old codes no longer work.',
          notYou,
        ],
      }),

    backupCodeUsed: (remaining: number) =>
      render('A backup code was used', {
        paragraphs: [
          `A backup code was just used to sign in to your account. ${remaining} unused ${remaining === 1 ? 'code remains' : 'codes remain'}.`,
          remaining <= 3 ? 'You are running low: create a new set in your security settings.' : '',
          notYou,
        ].filter(Boolean),
      }),

    totpReplay: () =>
      render('An authenticator code was used twice', {
        paragraphs: [
          'Someone entered an authenticator code for your account that had already been used, and it was refused.',
          'If this was not you, someone may know your password and have seen a code: change your password now.',
        ],
      }),

    newTrustedDevice: (label: string) =>
      render('A new browser was trusted', {
        paragraphs: [
          `You signed in from ${label} and chose to trust it for 30 days: it will not ask for a second factor.`,
          notYou,
        ],
      }),

    adminMfaReset: () =>
      render('Your two-factor authentication was reset', {
        paragraphs: [
          'An administrator reset two-factor authentication on your account: your factors, backup codes and trusted browsers were removed and every session was ended.',
          'Sign in and set up two-factor authentication again.',
          notYou,
        ],
      }),

    passwordChanged: (how: 'reset' | 'change') =>
      render(`Your ${appName} password was changed`, {
        paragraphs: [
          how === 'reset'
            ? 'The password of your account was reset and every signed-in session was ended.'
            : 'The password of your account was changed; your other signed-in sessions were ended.',
          'If this was not you, reset your password now and contact your administrator.',
        ],
      }),

    emailChangeCode: (code: string, minutes: number) =>
      render(`Confirm your new ${appName} email address`, {
        paragraphs: [
          `Use this code to make this the email address of your ${appName} account. It expires in ${minutes} minutes.`,
          ignoreIfNotYou,
        ],
        code,
      }),

    emailChangeAttempt: () =>
      render(`Someone tried to move your email to another ${appName} account`, {
        paragraphs: [
          `Someone signed in to another ${appName} account asked to use this email address, which already belongs to your account. Nothing was changed, and no code was sent.`,
          'If that was you, give this account a different email address first, or choose another address for the other one.',
        ],
      }),

    emailChanged: (newEmail: string) =>
      render(`The email address of your ${appName} account was changed`, {
        paragraphs: [
          `The email address of your account was changed to ${newEmail}. Codes and notices now go there, and this address no longer signs in.`,
          'If this was not you, contact your administrator now: whoever made the change had your password and a second factor.',
        ],
      }),
  };
}

export type Templates = ReturnType<typeof createTemplates>;

/** The messages under the default name. */
export const templates = createTemplates();
