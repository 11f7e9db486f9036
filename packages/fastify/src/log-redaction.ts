import type { FastifyRequest } from 'fastify';

/** Query parameters whose values are secrets by name. */
const SECRET_NAME = /code|token|secret|password|otp/i;
/** Values that look like a code whatever their name: 6 digits in a row, or a backup code. */
const CODE_LIKE = /\d{6}|^[a-z0-9]{5}[- ]?[a-z0-9]{5}$/i;

function decoded(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/**
 * The URL as a log line may show it: codes and code-like values of the query string replaced.
 * Links carry codes in the fragment, which no server sees; this is the second line of defence
 * (an old link, a client that puts a code in the query).
 */
export function redactUrl(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return url;
  const query = url
    .slice(start + 1)
    .split('&')
    .map((pair) => {
      const split = pair.indexOf('=');
      if (split === -1) return CODE_LIKE.test(decoded(pair)) ? '[redacted]' : pair;
      const name = pair.slice(0, split);
      const value = decoded(pair.slice(split + 1));
      return SECRET_NAME.test(decoded(name)) || CODE_LIKE.test(value) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, start)}?${query.join('&')}`;
}

/** Fastify's request serializer, with the URL redacted. */
export function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
