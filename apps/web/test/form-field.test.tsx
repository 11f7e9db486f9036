import { screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { TextField } from '../src/components/ui/text-field';
import { renderWithProviders } from './utils';

function Form({ onSubmit }: { onSubmit: () => void }) {
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <TextField label="Email" name="email" type="email" required />
      <TextField label="Password" name="password" type="password" required minLength={8} />
      <button type="submit">Send</button>
    </form>
  );
}

describe('FormField', () => {
  it('shows what the browser refused as the field’s own error, on the first refused field', async () => {
    const onSubmit = vi.fn();
    const { user } = renderWithProviders(<Form onSubmit={onSubmit} />);

    await user.click(screen.getByRole('button', { name: 'Send' }));

    const email = screen.getByLabelText('Email');
    expect(onSubmit).not.toHaveBeenCalled();
    expect(email).toHaveAttribute('aria-invalid', 'true');
    expect(email).toHaveAccessibleDescription('Email is required.');
    expect(email).toHaveFocus();
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Password is required.');
  });

  it('says what is wrong with a malformed address and clears it as the person types', async () => {
    const { user } = renderWithProviders(<Form onSubmit={vi.fn()} />);
    const email = screen.getByLabelText('Email');

    await user.type(email, 'not-an-address');
    await user.click(screen.getByRole('button', { name: 'Send' }));

    expect(email).toHaveAccessibleDescription('Enter an email address like name@example.com.');
    await user.type(email, '@example.com');
    expect(email).not.toHaveAttribute('aria-invalid');
    expect(screen.queryByText(/Enter an email address/)).toBeNull();
  });
});
