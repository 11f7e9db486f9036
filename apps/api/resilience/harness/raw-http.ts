import { connect } from 'node:net';

/** What came back on a raw TCP exchange: the parsed status line, if any, and everything read. */
export interface RawAnswer {
  /** 0 when the server sent no status line before closing (or the timeout hit). */
  status: number;
  /** The whole response as text (head and body). */
  text: string;
  /** The body after the blank line, parsed as JSON when it is JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  /** A socket error seen after the request was written (EPIPE, ECONNRESET), if any. */
  socketError?: string;
  timedOut: boolean;
}

/**
 * Writes `request` byte for byte to `host:port` and reads until the server closes the
 * connection or `timeoutMs` passes, for requests fetch cannot express (invalid bytes, header
 * floods, lying Content-Length). Send `Connection: close` so the server ends the exchange.
 * Parts are written `gapMs` apart and writing stops once the answer begins: a server that
 * answers early and closes while unread bytes sit in its socket resets the connection, and a
 * reset can discard the answer before it is read.
 */
export function rawExchange(
  port: number,
  request: Buffer | string | (Buffer | string)[],
  { host = '127.0.0.1', timeoutMs = 15_000, gapMs = 0 } = {},
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let socketError: string | undefined;
    let timedOut = false;
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const answered = () => chunks.length > 0;
    socket.on(
      'error',
      (error: NodeJS.ErrnoException) => (socketError = error.code ?? error.message),
    );
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      const body = text.slice(text.indexOf('\r\n\r\n') + 4);
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      resolve({ status, text, json, socketError, timedOut });
    });
    socket.on('connect', () => {
      const parts = Array.isArray(request) ? request : [request];
      const writeNext = (index: number) => {
        if (index >= parts.length || socket.destroyed || answered()) return;
        socket.write(parts[index]!, (error) => {
          if (!error) setTimeout(() => writeNext(index + 1), gapMs);
        });
      };
      writeNext(0);
    });
  });
}
