/** HTTP plumbing of the preview host: headers every answer carries, bodies in and out. */
import type http from 'node:http';

/** The largest request body accepted (the contract caps fields at 4096 characters). */
const MAX_BODY_BYTES = 64 * 1024;

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Strict CSP, no referrer (the page URL holds the token), no framing, no caching, no CORS. */
export function securityHeaders(): Record<string, string> {
  return {
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
  };
}

/** Answers with `body` (nothing but the headers for HEAD). */
export function send(
  res: http.ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headOnly = false,
): void {
  const data = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, {
    ...securityHeaders(),
    'content-type': type,
    'content-length': String(data.length),
  });
  res.end(headOnly ? undefined : data);
}

/** Answers with `value` as JSON. */
export function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

/** Answers with an error status and a one-line reason. */
export function refuse(res: http.ServerResponse, status: number, message: string): void {
  send(res, status, 'text/plain; charset=utf-8', `${message}\n`);
}

/** The parsed JSON body, or the HTTP status that refuses it (400 malformed, 413 too large). */
export async function readJson(
  req: http.IncomingMessage,
): Promise<{ ok: true; value: unknown } | { ok: false; status: 400 | 413 }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Keep reading (and dropping) an oversized body, so the refusal reaches the client cleanly.
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_BODY_BYTES) return { ok: false, status: 413 };
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown };
  } catch {
    return { ok: false, status: 400 };
  }
}
