import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * How the sink answers: `accept` keeps every message; `tempfail` answers 421 at MAIL FROM (a
 * server saying "try later"); `reject` answers 550 at RCPT TO (a hard refusal). A stopped sink
 * refuses connections outright.
 */
export type SinkMode = 'accept' | 'tempfail' | 'reject';

export interface SunkMail {
  to: string[];
  text: string;
}

const refusal = (message: string, responseCode: number) =>
  Object.assign(new Error(message), { responseCode });

/** An SMTP server in the test process, on a fixed loopback port it can stop and reopen. */
export class SmtpSink {
  readonly mails: SunkMail[] = [];
  mode: SinkMode = 'accept';
  port = 0;
  private server: SMTPServer | undefined;

  get url() {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Listens (again) on the same port: the first call takes a free one. */
  async start() {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onMailFrom: (_address, _session, callback) =>
        this.mode === 'tempfail'
          ? callback(refusal('Service not available, try again later', 421))
          : callback(),
      onRcptTo: (_address, _session, callback) =>
        this.mode === 'reject' ? callback(refusal('Mailbox unavailable', 550)) : callback(),
      onData: (stream, session, callback) => {
        void simpleParser(stream).then(
          (parsed) => {
            this.mails.push({
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              text: parsed.text ?? '',
            });
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    server.listen(this.port, '127.0.0.1');
    await once(server.server, 'listening');
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Closes the listener: connections are refused until `start()`. */
  async stop() {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The 6-digit code in the newest message to `to`. */
  latestCode(to: string): string {
    const mail = this.mails.filter((m) => m.to.includes(to)).at(-1);
    const code = mail?.text.match(/\b(\d{6})\b/)?.[1];
    if (!code) throw new Error(`no code mailed to ${to}`);
    return code;
  }
}
