import path from 'node:path';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import { createDbClient, type DbClient } from '@twofold/db'; // + Twofold
import twofold, { loadConfig } from '@twofold/fastify'; // + Twofold
import { customerQueries, migrateShop } from './customers.js';
import { hashPassword, verifyPassword } from './passwords.js';

/**
 * A small shop API: customers with passwords of its own, a product list, a cart cookie, orders
 * and payouts. The lines marked `+ Twofold` add a second factor; nothing else changed (see
 * README.md for the diff).
 */

export type Env = Record<string, string | undefined>;

export interface ShopOptions {
  /** The environment (`process.env` unless given): DATABASE_URL, DATA_DIR, and Twofold's. */
  env?: Env;
  /**
   * The database. Unset: one is opened from DATABASE_URL (or embedded PGlite under DATA_DIR)
   * and closed with the app. Given: owned by the caller (tests), who closes it.
   */
  db?: DbClient;
  /** The clock Twofold reads (tests move it); the system clock otherwise. */
  now?: () => Date;
  logger?: boolean;
}

/** The shop's own error: answered as `{ error: { code, message } }` like all its errors. */
export class ShopError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const PRODUCTS = [
  { id: 'tea', name: 'Green tea, 100 g', priceCents: 650 },
  { id: 'mug', name: 'Stoneware mug', priceCents: 1800 },
  { id: 'pot', name: 'Cast-iron teapot', priceCents: 4900 },
] as const;

const CART_COOKIE = 'cart';

interface Credentials {
  email: string;
  password: string;
}

const credentials = {
  type: 'object',
  required: ['email', 'password'],
  additionalProperties: false,
  properties: {
    email: { type: 'string', minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$' },
    password: { type: 'string', minLength: 1, maxLength: 128 },
  },
} as const;

export async function buildShop(options: ShopOptions = {}): Promise<FastifyInstance> {
  const env = options.env ?? process.env;
  const app = Fastify({ logger: options.logger ?? false });

  // The shop's database: its own `customers` table next to Twofold's schema `twofold`.
  // createDbClient also applies Twofold's migrations (they touch only schema `twofold`).
  let client = options.db;
  if (!client) {
    const opened = await createDbClient({
      url: env.DATABASE_URL,
      dataDir: env.DATABASE_URL ? undefined : path.resolve(env.DATA_DIR || '.data', 'pglite'),
    });
    app.addHook('onClose', () => opened.close());
    client = opened;
  }
  await migrateShop(client.db);
  const customers = customerQueries(client.db);

  await app.register(cookie);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.status(status).send({
      error: {
        code: error.validation ? 'BAD_REQUEST' : status >= 500 ? 'INTERNAL' : error.code,
        message: status >= 500 ? 'Something went wrong on our side.' : error.message,
      },
    });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: { code: 'NOT_FOUND', message: `No such page: ${request.method} ${request.url}` },
    }),
  );

  // + Twofold: its routes under /twofold, its tables in schema `twofold`, and app.twofold.
  await app.register(twofold, {
    config: loadConfig(env, { log: (message) => app.log.warn(message) }),
    db: client,
    now: options.now,
    users: {
      async findById(id) {
        const customer = /^\d{1,9}$/.test(id) ? await customers.byId(Number(id)) : undefined;
        return customer && { id: String(customer.id), email: customer.email };
      },
      async verifyPassword(id, password) {
        const customer = /^\d{1,9}$/.test(id) ? await customers.byId(Number(id)) : undefined;
        return customer ? verifyPassword(customer.passwordHash, password) : false;
      },
    },
  });

  app.get('/products', async () => ({ products: PRODUCTS }));

  app.get('/cart', async (request) => ({ cart: cartOf(request.cookies[CART_COOKIE]) }));
  app.post(
    '/cart',
    {
      schema: {
        body: {
          type: 'object',
          required: ['productId'],
          properties: { productId: { type: 'string', enum: PRODUCTS.map(({ id }) => id) } },
        },
      },
    },
    async (request, reply) => {
      const cart = [
        ...cartOf(request.cookies[CART_COOKIE]),
        (request.body as { productId: string }).productId,
      ];
      reply.setCookie(CART_COOKIE, cart.join('.'), {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        maxAge: 7 * 24 * 3600,
      });
      return { cart };
    },
  );

  app.post(
    '/signup',
    {
      schema: {
        body: {
          ...credentials,
          required: ['email', 'name', 'password'],
          properties: {
            ...credentials.properties,
            name: { type: 'string', minLength: 1, maxLength: 100 },
            password: { type: 'string', minLength: 10, maxLength: 128 },
          },
        },
      },
    },
    async (request, reply) => {
      const { email, name, password } = request.body as Credentials & { name: string };
      const customer = await customers.create({
        email,
        name,
        passwordHash: await hashPassword(password),
      });
      if (!customer) throw new ShopError(409, 'EMAIL_TAKEN', 'That email already has an account.');
      reply.status(201);
      return { customer: { id: customer.id, email: customer.email, name: customer.name } };
    },
  );

  app.post('/login', { schema: { body: credentials } }, async (request, reply) => {
    const { email, password } = request.body as Credentials;
    const customer = await customers.byEmail(email);
    if (!customer || !(await verifyPassword(customer.passwordHash, password))) {
      throw new ShopError(401, 'WRONG_PASSWORD', 'Wrong email or password.');
    }
    return app.twofold.signIn(request, reply, String(customer.id)); // + Twofold
  });

  app.post('/logout', async (request, reply) => {
    await app.twofold.signOut(request, reply); // + Twofold
    return { signedOut: true };
  });

  app.get(
    '/orders',
    { preHandler: app.twofold.requireSession }, // + Twofold
    async (request) => {
      const session = request.twofoldSession!; // + Twofold
      const customer = await customers.byId(Number(session.userId));
      if (!customer) throw new ShopError(404, 'NO_CUSTOMER', 'That customer is gone.');
      return {
        customer: { id: customer.id, email: customer.email, name: customer.name },
        orders: [],
        secondFactor: session.aal === 2,
      };
    },
  );

  app.post(
    '/payouts',
    {
      preHandler: app.twofold.requireStepUp, // + Twofold
      schema: {
        body: {
          type: 'object',
          required: ['amountCents'],
          properties: { amountCents: { type: 'integer', minimum: 1, maximum: 1_000_000 } },
        },
      },
    },
    async (request) => ({
      payout: {
        customerId: Number(request.twofoldSession!.userId), // + Twofold
        amountCents: (request.body as { amountCents: number }).amountCents,
        status: 'scheduled',
      },
    }),
  );

  return app;
}

function cartOf(raw: string | undefined): string[] {
  const known = new Set<string>(PRODUCTS.map(({ id }) => id));
  return (raw ?? '').split('.').filter((id) => known.has(id));
}
