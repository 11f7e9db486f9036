import { Type, type Static } from 'typebox';
import { Timestamp, Uuid } from './common.js';

/** Contracts of /api/dev/mailbox, the embedded outbox used when no SMTP server is configured. */

export const MailboxMessage = Type.Object(
  {
    id: Uuid,
    to: Type.String(),
    subject: Type.String(),
    text: Type.String(),
    html: Type.String(),
    createdAt: Timestamp,
  },
  { title: 'MailboxMessage' },
);
export type MailboxMessage = Static<typeof MailboxMessage>;

export const MailboxResponse = Type.Object(
  { messages: Type.Array(MailboxMessage, { description: 'Newest first' }) },
  { title: 'MailboxResponse' },
);
export type MailboxResponse = Static<typeof MailboxResponse>;
