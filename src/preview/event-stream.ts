import type http from 'node:http';
import type { AuthState } from '../contract/contract';
import { securityHeaders } from './http';

const HEARTBEAT_MS = 15_000;

/**
 * `auth:state-changed` for the page, as server-sent events: what the Electron shell pushes over
 * IPC. A heartbeat keeps idle connections open; every stream ends when the host closes.
 */
export class EventStreams {
  private readonly open = new Set<http.ServerResponse>();

  /** How many pages are listening now. */
  get size(): number {
    return this.open.size;
  }

  /** Keeps `res` open and writes every state `subscribe` reports to it. */
  serve(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    subscribe: (listener: (state: AuthState) => void) => () => void,
  ): void {
    res.writeHead(200, {
      ...securityHeaders(),
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    this.open.add(res);
    const unsubscribe = subscribe((state) => {
      res.write(`event: auth:state-changed\ndata: ${JSON.stringify(state)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const stop = (): void => {
      clearInterval(heartbeat);
      unsubscribe();
      this.open.delete(res);
    };
    req.on('close', stop);
    res.on('close', stop);
  }

  /** Ends every stream. */
  endAll(): void {
    for (const res of [...this.open]) res.end();
  }
}
