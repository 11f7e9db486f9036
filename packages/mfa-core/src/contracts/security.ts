import { Type, type Static } from 'typebox';
import { Cursor, Nullable, Timestamp, Uuid } from './common.js';

/** Contracts of /api/security/events: the user's security timeline, newest first. */

// A free-form JSON object. Spelled as plain `additionalProperties` rather than a TypeBox
// Record, whose patternProperties OpenAPI 3.0 tooling does not understand.
export const EventMetadata = Type.Unsafe<Record<string, unknown>>({
  type: 'object',
  additionalProperties: true,
  description: 'Event details (never codes, hashes or secrets)',
});
export type EventMetadata = Static<typeof EventMetadata>;

export const SecurityEvent = Type.Object(
  {
    id: Uuid,
    type: Type.String({ description: 'Machine-readable event type' }),
    ip: Nullable(Type.String()),
    userAgent: Nullable(Type.String()),
    metadata: EventMetadata,
    createdAt: Timestamp,
  },
  { title: 'SecurityEvent' },
);
export type SecurityEvent = Static<typeof SecurityEvent>;

export const SecurityEventsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Cursor),
  },
  { title: 'SecurityEventsQuery' },
);
export type SecurityEventsQuery = Static<typeof SecurityEventsQuery>;

export const SecurityEventsResponse = Type.Object(
  {
    events: Type.Array(SecurityEvent),
    nextCursor: Nullable(Cursor),
  },
  { title: 'SecurityEventsResponse' },
);
export type SecurityEventsResponse = Static<typeof SecurityEventsResponse>;
