import type { ServerResponse } from 'node:http';

/**
 * The reply the simulator sends for one request, built first and written last, so a fault applied
 * after processing can replace it.
 */
export interface SimReply {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): SimReply {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function bytesReply(contentType: string, body: Uint8Array): SimReply {
  return { status: 200, headers: { 'content-type': contentType }, body };
}

const STATUS_TEXT: Record<number, string> = {
  404: 'Not Found',
  413: 'Payload Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
};

/** An HTML error page like those Kasm's web server and proxy produce. */
export function htmlReply(status: number, detail?: string): SimReply {
  const title = `${status} ${STATUS_TEXT[status] ?? 'Error'}`;
  const paragraph = detail === undefined ? '' : `<p>${escapeHtml(detail)}</p>\n`;
  const body =
    `<!DOCTYPE html>\n<html>\n<head><title>${title}</title></head>\n<body>\n` +
    `<center><h1>${title}</h1></center>\n${paragraph}<hr><center>kasm-sim</center>\n</body>\n</html>\n`;
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body };
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Writes the reply unless the client has already gone. */
export function send(res: ServerResponse, reply: SimReply): void {
  if (res.destroyed || res.writableEnded) {
    return;
  }
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.byteLength) });
  res.end(body);
}
