import { eq, sql } from 'drizzle-orm';
import { pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

/** Any Drizzle PostgreSQL database: the shop's queries do not care which driver is underneath. */
export type ShopDatabase = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

/** The shop's own customers, in its own table (schema `public`), with its own integer ids. */
export const customers = pgTable('customers', {
  id: serial('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export type Customer = typeof customers.$inferSelect;

/** The shop's tiny migration, run at start-up: its table, its SQL, its schema. */
export async function migrateShop(db: ShopDatabase): Promise<void> {
  await db.execute(sql`
    create table if not exists customers (
      id serial primary key,
      email text not null unique,
      name text not null,
      password_hash text not null,
      created_at timestamptz not null default now()
    )
  `);
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export function customerQueries(db: ShopDatabase) {
  return {
    async byId(id: number): Promise<Customer | undefined> {
      const [customer] = await db.select().from(customers).where(eq(customers.id, id));
      return customer;
    },
    async byEmail(email: string): Promise<Customer | undefined> {
      const [customer] = await db
        .select()
        .from(customers)
        .where(eq(customers.email, normalizeEmail(email)));
      return customer;
    },
    /** The new customer, or undefined when the address is taken. */
    async create(input: {
      email: string;
      name: string;
      passwordHash: string;
    }): Promise<Customer | undefined> {
      const [customer] = await db
        .insert(customers)
        .values({ ...input, email: normalizeEmail(input.email) })
        .onConflictDoNothing({ target: customers.email })
        .returning();
      return customer;
    },
  };
}
