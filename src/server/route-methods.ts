/**
 * The methods each registered path accepts, so a request for a known path with another
 * method gets 405 and an `Allow` header (RFC 9110, section 15.5.6) instead of 404.
 *
 * Fastify's router reports only "no route" for both cases, so the paths are collected as
 * routes register and matched again here, only on the 404 path.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { describeError } from './errors.js';

interface PathMethods {
  pattern: RegExp;
  methods: Set<string>;
}

/** Turns a Fastify path (`/datasets/:name/data`, `/data/*`) into an anchored expression. */
function patternOf(url: string): RegExp {
  let source = '';
  for (const part of url.split('/')) {
    if (source !== '' || part !== '') source += '/';
    if (part === '*') source += '.*';
    else if (part.startsWith(':')) source += '[^/]+';
    else source += part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export class RouteMethods {
  private readonly paths = new Map<string, PathMethods>();

  /** Records every route registered on the app from now on; call before the routes. */
  collect(app: FastifyInstance): void {
    app.addHook('onRoute', (route) => {
      let entry = this.paths.get(route.url);
      if (entry === undefined) {
        entry = { pattern: patternOf(route.url), methods: new Set() };
        this.paths.set(route.url, entry);
      }
      for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
        entry.methods.add(method.toUpperCase());
      }
    });
  }

  /** Returns the methods allowed on a request path (no query string), sorted; empty when unknown. */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const entry of this.paths.values()) {
      if (entry.pattern.test(path)) for (const method of entry.methods) methods.add(method);
    }
    return [...methods].sort();
  }
}

/**
 * Sends the error response for a request that matched no route: 405 with `Allow` and the JSON
 * error body when the path exists for other methods, 404 otherwise. It reads no body.
 */
export function sendNoRoute(
  routes: RouteMethods,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const path = request.url.split('?', 1)[0]!;
  const allowed = routes.allowed(path);
  if (allowed.length > 0) {
    const { body } = describeError({ statusCode: 405, message: '' }, request.id);
    body.detail = `${path} does not accept ${request.method}; it accepts ${allowed.join(', ')}`;
    body.code = 'METHOD_NOT_ALLOWED';
    return reply.code(405).header('allow', allowed.join(', ')).send(body);
  }
  const { body } = describeError({ statusCode: 404, message: 'not found' }, request.id);
  body.detail = `No route for ${request.method} ${path}`;
  return reply.code(404).send(body);
}
