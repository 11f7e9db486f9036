import { useEffect, useState } from 'react';

export interface ResetLink {
  email: string;
  code: string;
}

/**
 * What the reset email's link carries: `/reset-password#email=…&code=…`. The fragment never
 * reaches a server (nor its request log). Links in older emails put the same values in the query
 * string (`?email=…&code=…`); those still work.
 */
function readResetLink(): ResetLink {
  const { search, hash } = window.location;
  const fragment = new URLSearchParams(hash.replace(/^#/, ''));
  const query = new URLSearchParams(search);
  return {
    email: fragment.get('email') ?? query.get('email') ?? '',
    code: fragment.get('code') ?? query.get('code') ?? '',
  };
}

/**
 * Reads the email and code of the reset link once, then takes them out of the address bar and
 * of this history entry, so the code is not left in the history, a bookmark or a screenshot.
 */
export function useResetLink(): ResetLink {
  const [link] = useState(readResetLink);
  useEffect(() => {
    const { pathname, search, hash } = window.location;
    if (search || hash) window.history.replaceState(window.history.state, '', pathname);
  }, []);
  return link;
}
