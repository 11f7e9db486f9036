import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { MailboxView } from '../src/features/dev-mailbox/components/mailbox-view';
import { mockApi, renderWithProviders } from './utils';

function message(id: string, subject: string, createdAt: string, text = 'Hello') {
  return { id, to: 'ada@example.com', subject, text, html: `<p>${text}</p>`, createdAt };
}

describe('MailboxView', () => {
  it('lists the messages newest first', async () => {
    mockApi({
      'GET /api/dev/mailbox': {
        body: {
          messages: [
            message('00000000-0000-4000-8000-000000000001', 'Oldest', '2025-01-01T10:00:00.000Z'),
            message('00000000-0000-4000-8000-000000000003', 'Newest', '2025-01-01T12:00:00.000Z'),
            message('00000000-0000-4000-8000-000000000002', 'Middle', '2025-01-01T11:00:00.000Z'),
          ],
        },
      },
    });
    renderWithProviders(<MailboxView />);

    const list = await screen.findByRole('list', { name: 'Messages' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent('Newest');
    expect(items[1]).toHaveTextContent('Middle');
    expect(items[2]).toHaveTextContent('Oldest');
  });

  it('picks the code out of a message', async () => {
    mockApi({
      'GET /api/dev/mailbox': {
        body: {
          messages: [
            message(
              '00000000-0000-4000-8000-000000000001',
              'Your Twofold code',
              '2025-01-01T10:00:00.000Z',
              'Your verification code is 042917. It expires in 15 minutes.',
            ),
          ],
        },
      },
    });
    renderWithProviders(<MailboxView />);

    expect(await screen.findByText('042917', { selector: 'output' })).toBeInTheDocument();
  });

  it('says when the outbox is empty', async () => {
    mockApi({ 'GET /api/dev/mailbox': { body: { messages: [] } } });
    renderWithProviders(<MailboxView />);
    expect(await screen.findByText(/No messages yet/)).toBeInTheDocument();
  });

  it('explains that the mailbox needs the development outbox when the API answers 404', async () => {
    mockApi({
      'GET /api/dev/mailbox': { status: 404, body: { code: 'NOT_FOUND', message: 'Not found.' } },
    });
    renderWithProviders(<MailboxView />);

    expect(
      await screen.findByText(
        /The dev mailbox is only available when the API uses its development outbox/,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Messages' })).not.toBeInTheDocument();
  });
});
