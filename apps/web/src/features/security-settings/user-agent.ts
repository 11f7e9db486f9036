// Moved to src/lib so the admin page names browsers the same way.
export { describeUserAgent } from '../../lib/user-agent';
