/**
 * "alice@example.com" -> "a•••@example.com": enough for a person to recognise their own
 * address, too little to learn it from a client that holds only a sign-in challenge.
 * Masked on the server, so the full address never reaches such a client.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '•••';
  // Array.from keeps a first character outside the BMP whole.
  const first = Array.from(email.slice(0, at))[0] ?? '';
  return `${first}•••${email.slice(at)}`;
}
