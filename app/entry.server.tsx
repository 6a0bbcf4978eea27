import { Transform } from 'node:stream'
import { createReadableStreamFromReadable, type AppLoadContext, type EntryContext } from '@remix-run/node'
import { RemixServer } from '@remix-run/react'
import { isbot } from 'isbot'
import { renderToPipeableStream, renderToString } from 'react-dom/server'
import { I18nextProvider } from 'react-i18next'
import { i18next } from './utils/i18n.server'
import { NonceProvider } from './utils/nonce'

const ABORT_DELAY = 5_000

/**
 * React 18's streaming renderer can leave NUL bytes at the end of a chunk when multi-byte
 * (e.g. Chinese) text meets its buffer boundary (facebook/react#24985, fixed only in React 19),
 * which shows up as a stray character inside words. A NUL byte is never valid in our HTML and
 * never part of a UTF-8 sequence, so dropping every one of them is safe.
 */
function withoutNulBytes() {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (!chunk.includes(0)) return callback(null, chunk)
      callback(null, Buffer.from(chunk.filter((byte) => byte !== 0)))
    },
  })
}

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext?.cspNonce ?? ''
  const instance = await i18next.instanceFor(await i18next.getLocale(request))
  const app = (
    <NonceProvider value={nonce}>
      <I18nextProvider i18n={instance}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </I18nextProvider>
    </NonceProvider>
  )

  // No route defers data today, so the whole page is ready once the loaders are: one string, written
  // in one piece, costs a fraction of the streaming pipeline (React's stream → a Node stream → a web
  // ReadableStream → the socket, chunk by chunk). A page with deferred data still streams.
  if (!hasDeferredData(remixContext)) {
    const html = `<!DOCTYPE html>${renderToString(app)}`
    responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
    return new Response(html, { headers: responseHeaders, status: responseStatusCode })
  }

  const callbackName = isbot(request.headers.get('user-agent') ?? '') ? 'onAllReady' : 'onShellReady'

  return new Promise((resolve, reject) => {
    let shellRendered = false
    const { pipe, abort } = renderToPipeableStream(app, {
      nonce,
      [callbackName]: () => {
        shellRendered = true
        const body = withoutNulBytes()
        responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
        resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }))
        pipe(body)
      },
      onShellError(error: unknown) {
        reject(error)
      },
      onError(error: unknown) {
        responseStatusCode = 500
        if (shellRendered) console.error(error)
      },
    })
    setTimeout(abort, ABORT_DELAY)
  })
}

function hasDeferredData(context: EntryContext) {
  const deferred = context.staticHandlerContext.activeDeferreds
  return deferred !== null && Object.keys(deferred).length > 0
}
