export type SecretBoxErrorCode =
  /** The key list given to createSecretBox / parseKeyList is unusable. */
  | 'INVALID_KEYS'
  /** The sealed value names a key id that is not configured (removed too early?). */
  | 'UNKNOWN_KEY'
  /** The sealed value is not in the expected format. */
  | 'MALFORMED'
  /** Authentication failed: wrong key or tampered data. */
  | 'DECRYPT_FAILED';

/** Every failure of the secret box. Messages never contain key material or plaintext. */
export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
  readonly code: SecretBoxErrorCode;

  constructor(code: SecretBoxErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
