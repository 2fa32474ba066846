/**
 * What the renderer-facing APIs (`window.auth`, `window.app`) are built over: the parts of
 * Electron's `ipcRenderer` they use. The preload passes `ipcRenderer` itself; the browser preview
 * passes a transport that carries the same calls over HTTP. One definition of each API, whatever
 * carries it.
 */
export interface BridgeTransport {
  /** Sends `args` on `channel` and resolves with main's answer (an envelope). */
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}
