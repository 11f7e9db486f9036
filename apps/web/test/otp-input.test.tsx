import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { OtpInput } from '../src/components/ui/otp-input';

interface HarnessProps {
  error?: string;
  length?: number;
  onComplete?: (code: string) => void;
}

function Harness({ error, length, onComplete }: HarnessProps) {
  const [value, setValue] = useState('');
  return (
    <OtpInput
      label="Verification code"
      value={value}
      onChange={setValue}
      error={error}
      length={length}
      onComplete={onComplete}
    />
  );
}

function setup(props: HarnessProps = {}) {
  const user = userEvent.setup();
  render(<Harness {...props} />);
  return { user, input: screen.getByRole('textbox', { name: 'Verification code' }) };
}

describe('OtpInput', () => {
  it('is announced as a numeric one-time-code field', () => {
    const { input } = setup();
    expect(input).toHaveAttribute('autocomplete', 'one-time-code');
    expect(input).toHaveAttribute('inputmode', 'numeric');
    expect(input).toHaveAttribute('maxlength', '6');
    expect(input).not.toHaveAttribute('aria-invalid');
  });

  it('keeps only digits of what is typed', async () => {
    const { user, input } = setup();
    await user.type(input, '1a2 b3-4');
    expect(input).toHaveValue('1234');
  });

  it('stops at the code length', async () => {
    const { user, input } = setup();
    await user.type(input, '12345678');
    expect(input).toHaveValue('123456');
  });

  it('honours a different length', async () => {
    const { user, input } = setup({ length: 8 });
    expect(input).toHaveAttribute('maxlength', '8');
    await user.type(input, '1234567890');
    expect(input).toHaveValue('12345678');
  });

  it('accepts a pasted code with spaces in it', async () => {
    const { user, input } = setup();
    await user.click(input);
    await user.paste('123 456');
    expect(input).toHaveValue('123456');
  });

  it('strips a pasted sentence down to its digits, cut to the length', async () => {
    const { user, input } = setup();
    await user.click(input);
    await user.paste('Your code: 987-654-321');
    expect(input).toHaveValue('987654');
  });

  it('inserts a paste where the cursor is', async () => {
    const { user, input } = setup();
    await user.type(input, '12');
    await user.paste('34 56');
    expect(input).toHaveValue('123456');
  });

  it('reports a code once it is complete, typed or pasted, and not again for the same code', async () => {
    const onComplete = vi.fn();
    const { user, input } = setup({ onComplete });
    await user.type(input, '12345');
    expect(onComplete).not.toHaveBeenCalled();
    await user.type(input, '67');
    expect(onComplete).toHaveBeenCalledTimes(1);
    expect(onComplete).toHaveBeenCalledWith('123456');

    await user.clear(input);
    await user.paste('654 321');
    expect(onComplete).toHaveBeenCalledTimes(2);
    expect(onComplete).toHaveBeenLastCalledWith('654321');
  });

  it('ties an error to the field', () => {
    const { input } = setup({ error: 'That code is not right.' });
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription('That code is not right.');
  });
});
