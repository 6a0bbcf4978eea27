// What the Express web process passes to every loader and action (see app/server.ts).
import '@remix-run/node'

declare module '@remix-run/node' {
  interface AppLoadContext {
    /** The client's address as Express sees it (trust proxy off: the socket's peer). */
    clientIp?: string | null
    /** Per-response nonce for the Content-Security-Policy's script-src. */
    cspNonce?: string
  }
}

export {}
