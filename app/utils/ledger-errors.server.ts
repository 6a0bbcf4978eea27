import { ListingError } from '~/models/listing.server'
import { json } from '@remix-run/node'
import { FlowError } from '~/models/donations.server'
import { LedgerError } from '~/models/ledger.server'
import { quantityError } from '~/models/lots.server'

export type UiError = { key: string; params: Record<string, string | number> }

/** A ledger or flow refusal as the catalog key and parameters a page translates. */
export function uiError(error: LedgerError | FlowError): UiError {
  return { key: error.key, params: error.params }
}

/** A ledger or flow refusal becomes a 400 with a catalog key; anything else propagates. */
export function refusal(error: unknown, extra: Record<string, unknown> = {}) {
  if (error instanceof LedgerError || error instanceof FlowError) {
    return json({ ok: false as const, error: uiError(error) satisfies UiError, ...extra }, { status: 400 })
  }
  // Closing goes through the listing model, whose refusals (already closed, not yours) say why too.
  if (error instanceof ListingError) {
    return json({ ok: false as const, error: { key: `listings:errors.${error.reason}`, params: {} } satisfies UiError, ...extra }, { status: 400 })
  }
  throw error
}

/**
 * A refusal of a form that moves items (hand-over, write-off): the ledger's amount and overdraft
 * reasons are said as a quantity with its unit ("数量必须是整数（条）", "库存不足：现有 40 条…"),
 * never as a sum of money.
 */
export function quantityRefusal(error: unknown, unit: string, extra: Record<string, unknown> = {}) {
  return refusal(error instanceof LedgerError ? quantityError(error, unit) : error, extra)
}
