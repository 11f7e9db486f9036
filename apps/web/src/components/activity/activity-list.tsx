import type { SecurityEvent } from '@twofold/mfa-core/contracts';
import { formatDateTime } from '../../lib/format';
import { groupActivity } from '../../lib/security-activity';
import { describeUserAgent } from '../../lib/user-agent';
import './activity.css';

export interface ActivityListProps {
  /** Newest first, as the API answers. */
  events: readonly SecurityEvent[];
  /** The list's accessible name. */
  label: string;
  /**
   * Caps the list's height and scrolls it (inside a dialog). A scrolling box must be reachable
   * by keyboard, so it then takes focus itself.
   */
  scroll?: boolean;
}

/**
 * A security timeline: one entry per sign-in or per change (see groupActivity), with failures
 * marked by an icon, a "Failed" word and the danger colour, never by colour alone.
 */
export function ActivityList({ events, label, scroll = false }: ActivityListProps) {
  const entries = groupActivity(events);
  return (
    <ol
      className={scroll ? 'activity activity--scroll' : 'activity'}
      aria-label={label}
      tabIndex={scroll ? 0 : undefined}
    >
      {entries.map((entry) => {
        const where = [entry.ip, entry.userAgent && describeUserAgent(entry.userAgent)]
          .filter(Boolean)
          .join(' · ');
        return (
          <li
            key={entry.id}
            className={entry.failed ? 'activity__item activity__item--failed' : 'activity__item'}
          >
            <span className="activity__icon" aria-hidden="true">
              {entry.failed ? <FailedIcon /> : null}
            </span>
            <span className="activity__body">
              <span className="activity__title">
                {entry.failed && (
                  <>
                    <span className="activity__failed">Failed</span>{' '}
                  </>
                )}
                {entry.title}
              </span>
              {entry.details.length > 0 && (
                <span className="activity__details">{entry.details.join(' · ')}</span>
              )}
              <span className="activity__meta">
                <time dateTime={entry.createdAt}>{formatDateTime(entry.createdAt)}</time>
                {where && ` · ${where}`}
              </span>
            </span>
          </li>
        );
      })}
    </ol>
  );
}

function FailedIcon() {
  return (
    <svg viewBox="0 0 16 16" width="16" height="16" focusable="false">
      <circle cx="8" cy="8" r="7.25" fill="currentColor" />
      <path d="M5.5 5.5l5 5m0-5l-5 5" stroke="var(--color-surface)" strokeWidth="1.75" />
    </svg>
  );
}
