/** Mirrors `NewPassword` in the shared contracts; the server checks it again. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
