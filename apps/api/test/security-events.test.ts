import { describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { securityEvents } from '@twofold/db';
import { Client, signUp, useTestApp } from './helpers/app.js';

const ctx = useTestApp();

interface EventBody {
  id: string;
  type: string;
  ip: string | null;
  userAgent: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
}

const cursorOf = (text: string) => Buffer.from(text).toString('base64url');

/**
 * `count` events for the user in groups of three per second: two at the very same instant (a
 * tie only the id breaks) and one half a millisecond later (the same millisecond in a JS Date).
 * Returns them in the expected newest-first order.
 */
async function seedEvents(userId: string, count: number, startMs: number) {
  const seeded: { id: string; at: number; micros: number }[] = [];
  for (let i = 0; i < count; i += 1) {
    const at = startMs + Math.floor(i / 3) * 1000;
    const micros = i % 3 === 2 ? 500 : 0;
    const iso = new Date(at).toISOString().replace('Z', `${String(micros).padStart(3, '0')}Z`);
    const [row] = await ctx.db.db
      .insert(securityEvents)
      .values({
        userId,
        type: 'test.seeded',
        metadata: { i },
        createdAt: sql`${iso}::timestamptz`,
      })
      .returning({ id: securityEvents.id });
    seeded.push({ id: row!.id, at, micros });
  }
  return seeded
    .sort((a, b) => b.at - a.at || b.micros - a.micros || (a.id < b.id ? -1 : 1))
    .map((event) => event.id);
}

async function walk(client: Client, limit: number) {
  const pages: EventBody[][] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: String(limit) });
    if (cursor) query.set('cursor', cursor);
    const response = await client.get(`/api/security/events?${query}`);
    expect(response.statusCode).toBe(200);
    const body = response.json() as { events: EventBody[]; nextCursor: string | null };
    pages.push(body.events);
    cursor = body.nextCursor;
    expect(pages.length).toBeLessThan(100);
  } while (cursor);
  return pages;
}

describe('GET /api/security/events', () => {
  it("records the user's own actions, newest first", async () => {
    const { client, user } = await signUp(ctx.app, ctx.db);
    await client.post('/api/auth/logout');
    const again = new Client(ctx.app);
    const { email } = user;
    await again.post('/api/auth/login', { email, password: 'correct horse battery staple' });

    const response = await again.get('/api/security/events');
    expect(response.statusCode).toBe(200);
    const { events, nextCursor } = response.json() as {
      events: EventBody[];
      nextCursor: string | null;
    };
    expect(nextCursor).toBeNull();
    expect(events[0]?.type).toBe('login.succeeded');
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['user.registered', 'email.verified', 'logout', 'login.succeeded']),
    );
    const times = events.map((e) => Date.parse(e.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(events[0]).toMatchObject({ ip: '127.0.0.1', userAgent: 'lightMyRequest' });
  });

  it('walks every event exactly once across pages, and never shows another user', async () => {
    const alice = await signUp(ctx.app, ctx.db);
    const bob = await signUp(ctx.app, ctx.db);
    const start = Date.now() - 86_400_000;
    const expected = await seedEvents(alice.user.id, 47, start);
    const bobs = await seedEvents(bob.user.id, 12, start);

    const pages = await walk(alice.client, 7);
    const ids = pages.flat().map((e) => e.id);
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(7);
    expect(pages.slice(0, -1).every((page) => page.length === 7)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);

    const all = await ctx.db.db
      .select({ id: securityEvents.id })
      .from(securityEvents)
      .where(eq(securityEvents.userId, alice.user.id));
    expect([...ids].sort()).toEqual(all.map((e) => e.id).sort());
    expect(ids.filter((id) => expected.includes(id))).toEqual(expected);
    for (const id of bobs) expect(ids).not.toContain(id);

    // Another user's cursor is only a position: it still pages through one's own events.
    const first = (await alice.client.get('/api/security/events?limit=5')).json();
    const borrowed = await bob.client.get(
      `/api/security/events?limit=100&cursor=${first.nextCursor}`,
    );
    expect(borrowed.statusCode).toBe(200);
    const seen = (borrowed.json().events as EventBody[]).map((e) => e.id);
    const bobAll = await ctx.db.db
      .select({ id: securityEvents.id })
      .from(securityEvents)
      .where(eq(securityEvents.userId, bob.user.id));
    expect(seen.length).toBeGreaterThan(0);
    for (const id of seen) expect(bobAll.map((e) => e.id)).toContain(id);
  });

  it('has no next page when the last page is exactly full, and one when a single event is left', async () => {
    const { client, user } = await signUp(ctx.app, ctx.db);
    await seedEvents(user.id, 3, Date.now() - 3_600_000);
    const owned = await ctx.db.db
      .select({ id: securityEvents.id })
      .from(securityEvents)
      .where(eq(securityEvents.userId, user.id));
    const count = owned.length;
    expect(count).toBeGreaterThanOrEqual(4);

    const exact = await client.get(`/api/security/events?limit=${count}`);
    expect(exact.statusCode).toBe(200);
    const full = exact.json() as { events: EventBody[]; nextCursor: string | null };
    expect(full.events).toHaveLength(count);
    expect(full.nextCursor).toBeNull();

    const short = (await client.get(`/api/security/events?limit=${count - 1}`)).json() as {
      events: EventBody[];
      nextCursor: string | null;
    };
    expect(short.events).toEqual(full.events.slice(0, -1));
    expect(short.nextCursor).toEqual(expect.any(String));
    const rest = await client.get(
      `/api/security/events?limit=${count - 1}&cursor=${short.nextCursor}`,
    );
    expect(rest.statusCode).toBe(200);
    expect(rest.json()).toEqual({ events: [full.events.at(-1)], nextCursor: null });
  });

  it('pages 20 events by default and at most 100', async () => {
    const { client, user } = await signUp(ctx.app, ctx.db);
    await seedEvents(user.id, 105, Date.now() - 3_600_000);

    const page = (await client.get('/api/security/events')).json();
    expect(page.events).toHaveLength(20);
    expect(page.nextCursor).toEqual(expect.any(String));

    const big = (await client.get('/api/security/events?limit=100')).json();
    expect(big.events).toHaveLength(100);
    for (const limit of ['101', '0', '-1', 'ten']) {
      const response = await client.get(`/api/security/events?limit=${limit}`);
      expect(response.statusCode, limit).toBe(400);
      expect(response.json().code).toBe('VALIDATION_ERROR');
    }
  });

  it('answers a malformed cursor with 400 VALIDATION_ERROR, not a 500', async () => {
    const { client } = await signUp(ctx.app, ctx.db);
    const id = crypto.randomUUID();
    for (const cursor of [
      'not a cursor',
      '%00',
      cursorOf('nonsense'),
      cursorOf(`2026-01-01T00:00:00.000Z|not-a-uuid`),
      cursorOf(`2026-02-30T00:00:00.000Z|${id}`),
      cursorOf(`2026-13-01T00:00:00.000Z|${id}`),
      cursorOf(`yesterday|${id}`),
      cursorOf(`0000-01-01T00:00:00.000Z|${id}`),
      cursorOf(`2026-01-01T24:00:00.000Z|${id}`),
      cursorOf(`2026-01-01T00:00:00.000Z|${id}|extra`),
      cursorOf(`'; drop table security_events; --|${id}`),
      'x'.repeat(513),
    ]) {
      const response = await client.get(
        `/api/security/events?cursor=${encodeURIComponent(cursor)}`,
      );
      expect(response.statusCode, cursor).toBe(400);
      expect(response.json().code, cursor).toBe('VALIDATION_ERROR');
    }
    // A well-formed position that matches nothing is simply an empty page.
    const empty = await client.get(
      `/api/security/events?cursor=${cursorOf(`2000-01-01T00:00:00.000Z|${id}`)}`,
    );
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toEqual({ events: [], nextCursor: null });
  });

  it('needs a session', async () => {
    const response = await new Client(ctx.app).get('/api/security/events');
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('UNAUTHENTICATED');
  });
});
