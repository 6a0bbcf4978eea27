// In-process HTTP against the real Remix build (npm test builds it first): every
// loader, action, guard and rendered catalog string is the production code path.
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { createRequestHandler, type ServerBuild } from '@remix-run/node'

let handler: ((request: Request) => Promise<Response>) | undefined

export async function loadBuild(): Promise<ServerBuild> {
  return (await import(pathToFileURL(path.resolve('build/index.js')).href)) as ServerBuild
}

async function getHandler() {
  handler ??= createRequestHandler(await loadBuild(), 'production')
  return handler
}

/** A tiny browser: keeps cookies between requests, follows nothing automatically. */
export class TestClient {
  cookies = new Map<string, string>()

  constructor(locale?: 'zh-CN' | 'en') {
    if (locale) this.cookies.set('lng', encodeURIComponent(Buffer.from(JSON.stringify(locale)).toString('base64')))
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  private remember(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq)
      const value = pair!.slice(eq + 1)
      if (/expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0/i.test(line)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  async request(pathname: string, init: { method?: string; form?: Record<string, string | string[]>; headers?: Record<string, string> } = {}) {
    const headers = new Headers(init.headers)
    const cookie = this.cookieHeader()
    if (cookie) headers.set('Cookie', cookie)
    let body: URLSearchParams | undefined
    if (init.form) {
      body = new URLSearchParams()
      for (const [k, v] of Object.entries(init.form)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item)
      headers.set('Content-Type', 'application/x-www-form-urlencoded')
    }
    const method = init.method ?? (init.form ? 'POST' : 'GET')
    headers.set('Host', 'localhost')
    if (method !== 'GET' && !headers.has('Origin')) headers.set('Origin', 'http://localhost')
    const response = await (await getHandler())(new Request(`http://localhost${pathname}`, { method, headers, body }))
    this.remember(response)
    return response
  }

  get(pathname: string) {
    return this.request(pathname)
  }

  post(pathname: string, form: Record<string, string | string[]>) {
    return this.request(pathname, { form })
  }

  async logIn(username: string, password: string) {
    const response = await this.post('/login', { username, password })
    if (response.status !== 302) throw new Error(`log-in as ${username} failed with ${response.status}`)
    return response
  }
}

/** Visible text of an HTML page, tags stripped: what a person would read. */
export function textOf(html: string) {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
}
