import type { SecurityEvent } from '@twofold/mfa-core/contracts';
import { describeAuthMethods, mfaMethodLabels } from './auth-methods';
import { eventLabel, isFailure, leftOf } from './security-event-labels';

/**
 * The security timeline as a person reads it. The API records every step of a sign-in on its
 * own (second step asked, code emailed, second step passed, signed in, backup code spent,
 * browser trusted): the audit trail keeps them all, since an admin or an investigation may need
 * any one of them, and an unfinished second step is worth seeing on its own. For reading, the
 * steps of one sign-in (or one "Confirm it's you") from one browser become one entry here, with
 * what they add as details; failures are never folded in, so each stays visible.
 */
export interface ActivityEntry {
  /** The id of the entry's newest event. */
  id: string;
  title: string;
  /** Short facts under the title: how it was proved, backup codes left, a trusted browser. */
  details: string[];
  failed: boolean;
  createdAt: string;
  ip: string | null;
  userAgent: string | null;
}

/** A sign-in challenge lives 5 minutes: the steps of one sign-in are never further apart. */
const SIGN_IN_SPAN_MS = 6 * 60_000;
/** What follows a sign-in or a confirmation in the same request lands within moments. */
const FOLLOW_UP_MS = 60_000;
/** An emailed step-up code lives 10 minutes. */
const STEP_UP_SPAN_MS = 11 * 60_000;

/** Events written in one request can share a timestamp: this is the order they happen in. */
const STEP_ORDER: Record<string, number> = {
  'mfa.challenge_started': 0,
  'mfa.email_code_sent': 1,
  'mfa.verified': 2,
  'login.succeeded': 3,
  'mfa.setup_required': 4,
  'mfa.backup_code_used': 5,
  'device.trusted': 6,
};

interface Group {
  kind: 'sign_in' | 'step_up' | 'single';
  events: SecurityEvent[];
  first: number;
  last: number;
}

const at = (event: SecurityEvent) => Date.parse(event.createdAt);
const sameBrowser = (group: Group, event: SecurityEvent) =>
  group.events[0]!.ip === event.ip && group.events[0]!.userAgent === event.userAgent;
const has = (group: Group, type: string) => group.events.some((event) => event.type === type);

/** Groups a newest-first list of events into newest-first entries. */
export function groupActivity(events: readonly SecurityEvent[]): ActivityEntry[] {
  const chronological = [...events].sort(
    (a, b) => at(a) - at(b) || (STEP_ORDER[a.type] ?? 9) - (STEP_ORDER[b.type] ?? 9),
  );
  const groups: Group[] = [];
  let signIn: Group | null = null;
  // Spent before the "Confirm it's you" they belong to is recorded.
  let stepUpParts: Group[] = [];

  const start = (kind: Group['kind'], event: SecurityEvent) => {
    const group: Group = { kind, events: [event], first: at(event), last: at(event) };
    groups.push(group);
    return group;
  };
  const add = (group: Group, event: SecurityEvent) => {
    group.events.push(event);
    group.last = at(event);
  };
  const signedIn = (group: Group | null): group is Group =>
    group !== null && (has(group, 'login.succeeded') || has(group, 'mfa.verified'));
  const within = (group: Group | null, event: SecurityEvent, span: number, from = group?.first) =>
    group !== null && from !== undefined && sameBrowser(group, event) && at(event) - from <= span;

  for (const event of chronological) {
    const time = at(event);
    switch (event.type) {
      case 'mfa.challenge_started':
        signIn = start('sign_in', event);
        break;
      case 'mfa.email_code_sent':
        if (event.metadata.purpose === 'step_up') {
          stepUpParts.push(start('single', event));
        } else if (within(signIn, event, SIGN_IN_SPAN_MS) && !signedIn(signIn)) {
          add(signIn!, event);
        } else start('single', event);
        break;
      case 'mfa.verified':
      case 'login.succeeded':
        if (within(signIn, event, SIGN_IN_SPAN_MS) && !has(signIn!, event.type))
          add(signIn!, event);
        else signIn = start('sign_in', event);
        break;
      case 'mfa.setup_required':
      case 'device.trusted':
      case 'mfa.backup_code_used':
        if (signedIn(signIn) && within(signIn, event, FOLLOW_UP_MS, signIn.last)) {
          add(signIn, event);
        } else if (event.type === 'mfa.backup_code_used') {
          stepUpParts.push(start('single', event));
        } else start('single', event);
        break;
      case 'step_up.succeeded': {
        const stepUp = start('step_up', event);
        for (const part of stepUpParts) {
          if (!sameBrowser(stepUp, part.events[0]!) || time - part.first > STEP_UP_SPAN_MS)
            continue;
          stepUp.events.push(...part.events);
          groups.splice(groups.indexOf(part), 1);
        }
        stepUpParts = [];
        break;
      }
      default:
        start('single', event);
    }
  }

  return groups.sort((a, b) => b.last - a.last).map(toEntry);
}

function toEntry(group: Group): ActivityEntry {
  const newest = group.events.reduce((a, b) => (at(b) >= at(a) ? b : a));
  const base = {
    id: newest.id,
    createdAt: newest.createdAt,
    ip: newest.ip,
    userAgent: newest.userAgent,
  };
  if (group.kind === 'single') {
    return { ...base, title: eventLabel(newest), details: [], failed: isFailure(newest.type) };
  }
  const find = (type: string) => group.events.find((event) => event.type === type);
  const details: string[] = [];
  let title: string;
  if (group.kind === 'sign_in') {
    const login = find('login.succeeded');
    const verified = find('mfa.verified');
    const amr = login?.metadata.amr;
    if (Array.isArray(amr) && amr.length > 0)
      details.push(`With ${lower(describeAuthMethods(amr.map(String)))}`);
    else if (verified) details.push(`With password and ${methodName(verified.metadata.method)}`);
    title = login || verified ? 'Signed in' : eventLabel(group.events[0]!);
    if (find('device.trusted')) details.push('This browser is now trusted');
    if (find('mfa.setup_required')) details.push('Two-factor setup required by policy');
  } else {
    const method = find('step_up.succeeded')?.metadata.method;
    title = 'Confirmed it’s you';
    details.push(
      method && method !== 'pwd' ? `With password and ${methodName(method)}` : 'With password',
    );
  }
  const remaining = find('mfa.backup_code_used')?.metadata.remaining;
  if (typeof remaining === 'number') details.push(leftOf(remaining));
  return { ...base, title, details, failed: false };
}

function methodName(method: unknown): string {
  const label = mfaMethodLabels[String(method) as keyof typeof mfaMethodLabels];
  return label ? label.toLowerCase() : 'a second factor';
}

function lower(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
