/** The baseline: Fastify with no plugins, logger off, one hello-world route. */
import Fastify from 'fastify';
import { listenAndServe } from './listen.js';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
await listenAndServe(app);
