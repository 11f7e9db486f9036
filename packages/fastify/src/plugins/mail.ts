import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import nodemailer from 'nodemailer';
import { devOutbox } from '@twofold/db';
import { appError } from '../errors.js';
import { createTemplates, type MailContent } from '../mail/templates.js';

export interface MailMessage extends MailContent {
  to: string;
}

/**
 * What Twofold needs of a mail transport: a nodemailer transporter fits, and so does any
 * object whose `sendMail` rejects when the message was not accepted.
 */
export interface MailTransport {
  sendMail(message: MailMessage & { from: string }): Promise<unknown>;
}

export interface Mailer {
  kind: 'outbox' | 'smtp';
  send(message: MailMessage): Promise<void>;
}

/**
 * The app's own transport (`mailer` option), or with SMTP_URL set nodemailer over real SMTP, with short timeouts so a dead server answers
 * MAIL_UNAVAILABLE quickly. Unset: the development outbox (rows readable at /api/dev/mailbox);
 * config refuses production without SMTP_URL. The log shows recipient and subject only, never
 * the body, because bodies carry codes.
 */
const mailPlugin: FastifyPluginAsync<{ transport?: MailTransport }> = async (app, options) => {
  const context = app.twofoldContext;
  const { config, db } = context;
  let mailer: Mailer;

  /** Sends through a transport; a refused message is MAIL_UNAVAILABLE, logged without body. */
  const through = (transport: MailTransport): Mailer => ({
    kind: 'smtp',
    async send(message) {
      try {
        await transport.sendMail({ from: config.mailFrom, ...message });
      } catch (error) {
        app.log.error(
          { err: error, to: message.to, subject: message.subject },
          'mail delivery failed',
        );
        throw appError('MAIL_UNAVAILABLE');
      }
    },
  });

  if (options.transport) {
    // The app's own transport: it owns it (and closes it).
    mailer = through(options.transport);
  } else if (config.smtpUrl) {
    const url = new URL(config.smtpUrl);
    const transport = nodemailer.createTransport({
      host: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
      secure: url.protocol === 'smtps:',
      auth: url.username
        ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
        : undefined,
      connectionTimeout: 5_000,
      greetingTimeout: 5_000,
      socketTimeout: 10_000,
    });
    app.addHook('onClose', async () => transport.close());
    mailer = through(transport);
  } else {
    mailer = {
      kind: 'outbox',
      async send(message) {
        await db.insert(devOutbox).values({ ...message, createdAt: context.now() });
        app.log.info(
          { to: message.to, subject: message.subject },
          'mail kept in the dev outbox (/dev/mailbox)',
        );
      },
    };
  }
  context.mailer = mailer;
  context.templates = createTemplates(context.config.appName);
};

export default fp(mailPlugin, {
  name: 'twofold-mail',
  dependencies: ['twofold-config', 'twofold-db'],
});
