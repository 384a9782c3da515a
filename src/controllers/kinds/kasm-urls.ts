import type { AdapterContext } from '../managed-kind.js';

/**
 * Kasm answers some links as paths (`/#/connect/join/...`) to append to the server's address: this
 * makes them absolute with the connection's base URL, leaving absolute links as they are.
 */
export function absoluteKasmUrl(ctx: AdapterContext, link: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(link)) return link;
  const base = ctx.kasm.baseUrl?.replace(/\/+$/, '');
  if (base === undefined) return link;
  return `${base}${link.startsWith('/') ? '' : '/'}${link}`;
}
