import crypto from 'node:crypto';
import type http from 'node:http';

/** Why a request is refused: an HTTP status and a one-line reason. */
export interface Refusal {
  status: number;
  message: string;
}

/**
 * Who may talk to the preview host. It holds real sessions on a developer's machine, so:
 * the Host header must name this host and port (no DNS rebinding), a cross-origin request
 * (Origin or Sec-Fetch-Site says so) is refused, and every API call carries the per-run token,
 * compared in constant time.
 */
export class RequestGuard {
  private readonly tokenBytes: Buffer;

  constructor(
    token: string,
    private readonly port: () => number,
  ) {
    this.tokenBytes = Buffer.from(token);
  }

  /** True when `candidate` is this run's token. */
  tokenMatches(candidate: unknown): boolean {
    if (typeof candidate !== 'string') return false;
    const bytes = Buffer.from(candidate);
    return (
      bytes.length === this.tokenBytes.length && crypto.timingSafeEqual(bytes, this.tokenBytes)
    );
  }

  /** Null when the request may go on to its route. */
  check(req: http.IncomingMessage, isApi: boolean): Refusal | null {
    const hosts = [`127.0.0.1:${this.port()}`, `localhost:${this.port()}`];
    // DNS rebinding: a page on another name that resolves to 127.0.0.1 sends its own Host.
    if (!hosts.includes(req.headers.host ?? '')) return { status: 403, message: 'Forbidden host' };
    const origin = req.headers.origin;
    if (origin !== undefined && !hosts.map((h) => `http://${h}`).includes(origin))
      return { status: 403, message: 'Forbidden origin' };
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && (isApi || site !== 'none'))
      return { status: 403, message: 'Forbidden cross-site request' };
    return null;
  }
}
