import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Dialog } from '../src/components/ui/dialog';

function setup() {
  const user = userEvent.setup();
  render(
    <>
      <button type="button">Behind the dialog</button>
      <Dialog open title="Confirm" onClose={vi.fn()}>
        <input aria-label="Name" />
        <button type="button">Save</button>
      </Dialog>
    </>,
  );
  return {
    user,
    close: screen.getByRole('button', { name: 'Close' }),
    save: screen.getByRole('button', { name: 'Save' }),
  };
}

describe('Dialog', () => {
  it('keeps Tab inside: from the last control back to the first', async () => {
    const { user, close, save } = setup();
    save.focus();

    await user.tab();

    expect(close).toHaveFocus();
  });

  it('keeps Shift+Tab inside: from the first control round to the last', async () => {
    const { user, close, save } = setup();
    close.focus();

    await user.tab({ shift: true });

    expect(save).toHaveFocus();
  });
});
