// Moved to src/lib so the admin page words events the same way.
export { eventLabel } from '../../lib/security-event-labels';
