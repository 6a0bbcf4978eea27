import { json } from '@remix-run/node'
import { checkHealth } from '~/models/health.server'

// Machine-readable: 200 when the database and Redis answer, 503 otherwise. No login needed,
// nothing personal in it.
export async function loader() {
  const report = await checkHealth()
  return json(report, { status: report.status === 'ok' ? 200 : 503, headers: { 'Cache-Control': 'no-store' } })
}
