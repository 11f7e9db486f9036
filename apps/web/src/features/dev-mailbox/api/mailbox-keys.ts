export const mailboxKeys = {
  all: ['dev-mailbox'] as const,
  messages: () => [...mailboxKeys.all, 'messages'] as const,
};
