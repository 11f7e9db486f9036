import type { FastifyInstance } from 'fastify';
import type { MailContent } from '../mail/templates.js';

/**
 * Security notices to the account owner. They are best effort: the change they report has
 * already happened, so a mail failure is logged rather than turned into an error.
 */
export function createNotifications(app: FastifyInstance) {
  return {
    async notify(to: string, content: MailContent) {
      try {
        await app.mailer.send({ to, ...content });
      } catch (error) {
        app.log.warn({ err: error, subject: content.subject }, 'security notice not sent');
      }
    },
  };
}
