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

function render(subject: string, { paragraphs, code, link }: Block): MailContent {
  const text = [
    ...paragraphs,
    ...(code ? [`    ${code}`] : []),
    ...(link ? [`${link.label}: ${link.href}`] : []),
    '— Twofold',
  ].join('\n\n');
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2937">
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${code ? `<p style="font-size:28px;font-weight:700;letter-spacing:6px;font-family:ui-monospace,monospace">${escapeHtml(code)}</p>` : ''}
${link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>` : ''}
<p style="color:#6b7280">— Twofold</p>
</body></html>`;
  return { subject, text, html };
}

const ignoreIfNotYou = 'If you did not ask for this, you can ignore this email.';

export const templates = {
  verifyEmail: (code: string, minutes: number) =>
    render('Your Twofold verification code', {
      paragraphs: [
        `Use this code to verify your email address. It expires in ${minutes} minutes.`,
        ignoreIfNotYou,
      ],
      code,
    }),

  registrationAttempt: (signInUrl: string, resetUrl: string) =>
    render('Someone tried to create a Twofold account with your email', {
      paragraphs: [
        'Someone tried to sign up with this email address, but it already has an account.',
        `If it was you, sign in instead (${signInUrl}) or reset your password (${resetUrl}).`,
        'If it was not you, no action is needed: nothing was changed.',
      ],
    }),

  passwordResetCode: (code: string, minutes: number, link: string) =>
    render('Your Twofold password reset code', {
      paragraphs: [
        `Use this code to choose a new password. It expires in ${minutes} minutes.`,
        ignoreIfNotYou,
      ],
      code,
      link: { href: link, label: 'Reset your password' },
    }),

  passwordChanged: () =>
    render('Your Twofold password was changed', {
      paragraphs: [
        'The password of your account was just changed and every signed-in session was ended.',
        'If this was not you, reset your password now and contact your administrator.',
      ],
    }),
};
