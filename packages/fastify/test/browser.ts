import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** Cookies kept between requests, as a browser would. */
export class Browser {
  private jar = new Map<string, string>();
  constructor(private readonly app: FastifyInstance) {}
  async send(
    method: 'GET' | 'POST',
    url: string,
    body?: object,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    const cookieHeader = [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await this.app.inject({
      method,
      url,
      ...(body === undefined ? {} : { payload: body }),
      headers: { ...(cookieHeader ? { cookie: cookieHeader } : {}), ...headers },
    });
    for (const set of response.cookies as { name: string; value: string; maxAge?: number }[]) {
      if (set.value === '' || set.maxAge === 0) this.jar.delete(set.name);
      else this.jar.set(set.name, set.value);
    }
    return response;
  }
}
