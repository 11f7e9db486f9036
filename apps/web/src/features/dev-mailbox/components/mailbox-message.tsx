import type { MailboxMessage } from '@twofold/mfa-core/contracts';
import { formatDateTime } from '../../../lib/format';

const URL_PATTERN = /(https?:\/\/[^\s<>"')]+)/g;
const CODE_PATTERN = /\b\d{3}[ -]?\d{3}\b/;

/** Turns the URLs of a plain-text body into links; everything else stays text (no HTML is trusted). */
function linkify(text: string) {
  return text.split(URL_PATTERN).map((part, index) =>
    index % 2 === 1 ? (
      <a key={index} href={part} target="_blank" rel="noreferrer noopener">
        {part}
      </a>
    ) : (
      part
    ),
  );
}

export function MailboxMessageItem({
  message,
  defaultOpen,
}: {
  message: MailboxMessage;
  defaultOpen: boolean;
}) {
  const code = CODE_PATTERN.exec(message.subject + '\n' + message.text)?.[0].replace(/\D/g, '');
  return (
    <li className="mail">
      <details open={defaultOpen}>
        <summary className="mail__summary">
          <span className="mail__subject">{message.subject}</span>
          <span className="mail__meta">
            <span className="break-all">To {message.to}</span>
            <time dateTime={message.createdAt}>{formatDateTime(message.createdAt)}</time>
          </span>
        </summary>
        <div className="mail__body">
          {code && (
            <p className="mail__code">
              Code: <output className="code">{code}</output>
            </p>
          )}
          <pre className="mail__text">{linkify(message.text)}</pre>
        </div>
      </details>
    </li>
  );
}
