import { ListingError } from '~/models/listing.server'
import { json } from '@remix-run/node'
import { FlowError } from '~/models/donations.server'
import { LedgerError } from '~/models/ledger.server'

export type UiError = { key: string; params: Record<string, string | number> }

/** A ledger or flow refusal becomes a 400 with a catalog key; anything else propagates. */
export function refusal(error: unknown, extra: Record<string, unknown> = {}) {
  if (error instanceof LedgerError || error instanceof FlowError) {
    return json({ ok: false as const, error: { key: error.key, params: error.params } satisfies UiError, ...extra }, { status: 400 })
  }
  // Closing goes through the listing model, whose refusals (already closed, not yours) say why too.
  if (error instanceof ListingError) {
    return json({ ok: false as const, error: { key: `listings:errors.${error.reason}`, params: {} } satisfies UiError, ...extra }, { status: 400 })
  }
  throw error
}
