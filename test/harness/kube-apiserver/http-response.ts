/**
 * Writing answers: JSON bodies, Status failures (with their extra headers such as Retry-After), and
 * Warning headers the way kube-apiserver formats them.
 */
import type { ServerResponse } from 'node:http';
import type { ApiError } from './status-errors.js';

export function writeJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}, contentType = 'application/json'): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function writeStatus(res: ServerResponse, err: ApiError): void {
  writeJson(res, err.code, err.status, err.headers);
}

export function writeText(res: ServerResponse, code: number, text: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** `Warning: 299 - "text"`, one header value per warning, as kube-apiserver sends them. */
export function warningHeaders(warnings: string[]): Record<string, string> {
  if (warnings.length === 0) return {};
  return { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') };
}
