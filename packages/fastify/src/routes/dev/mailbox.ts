import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { desc } from 'drizzle-orm';
import { devOutbox } from '@twofold/db';
import { MailboxResponse } from '@twofold/mfa-core';

const MAILBOX_LIMIT = 100;

/** The development outbox, newest first. Registered only when the outbox is the mailer. */
const mailboxRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/mailbox',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['dev'],
        summary: 'Mail kept by the development outbox (404 when real SMTP is configured)',
        response: { 200: MailboxResponse },
      },
    },
    async () => {
      const rows = await app.twofoldContext.db
        .select()
        .from(devOutbox)
        .orderBy(desc(devOutbox.createdAt))
        .limit(MAILBOX_LIMIT);
      return { messages: rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() })) };
    },
  );
};

export default mailboxRoutes;
