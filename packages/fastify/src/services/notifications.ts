import type { TwofoldContext } from '../context.js';
import { and, eq, lte } from 'drizzle-orm';
import { noticeCooldowns } from '@twofold/db';
import type { MailContent } from '../mail/templates.js';
import { normalizeEmail } from './users.js';

/** One notice of a kind per address per hour: enough to warn the owner, too few to flood them. */
export const NOTICE_COOLDOWN_MS = 60 * 60_000;

/** Notices that anyone can trigger by typing someone's address. */
export type NoticeKind = 'registration_attempt' | 'email_change_attempt';

/**
 * Security notices to the account owner. They are best effort: the change they report has
 * already happened, so a mail failure is logged rather than turned into an error.
 */
export function createNotifications(context: TwofoldContext) {
  const { db } = context;
  return {
    async notify(to: string, content: MailContent) {
      try {
        await context.mailer.send({ to, ...content });
      } catch (error) {
        context.log.warn({ err: error, subject: content.subject }, 'security notice not sent');
      }
    },

    /**
     * Sends a notice that a stranger can trigger (someone tried to sign up with the address, or
     * to move an account to it) at most once per kind and address per cooldown, so nobody can
     * use Twofold to flood a mailbox. The slot is claimed with one upsert that only takes a row
     * older than the window, so concurrent requests send one notice. Answers whether it went;
     * a mail failure gives the slot back and is thrown (the caller answers as a code's failure
     * would).
     */
    async noticeOnce(to: string, kind: NoticeKind, content: MailContent): Promise<boolean> {
      const recipient = normalizeEmail(to);
      const now = context.now();
      const claimed = await db
        .insert(noticeCooldowns)
        .values({ recipient, kind, sentAt: now })
        .onConflictDoUpdate({
          target: [noticeCooldowns.recipient, noticeCooldowns.kind],
          set: { sentAt: now },
          setWhere: lte(noticeCooldowns.sentAt, new Date(now.getTime() - NOTICE_COOLDOWN_MS)),
        })
        .returning({ sentAt: noticeCooldowns.sentAt });
      if (claimed.length === 0) return false;
      try {
        await context.mailer.send({ to, ...content });
      } catch (error) {
        await db
          .delete(noticeCooldowns)
          .where(
            and(
              eq(noticeCooldowns.recipient, recipient),
              eq(noticeCooldowns.kind, kind),
              eq(noticeCooldowns.sentAt, now),
            ),
          );
        throw error;
      }
      return true;
    },
  };
}
