// Plain values (browser-safe).

/** The money asset: yuan, two decimals. Item assets are `item:<kind>/<unit>` (e.g. item:棉被/条). */
export const CNY = 'CNY'
export const MONEY_SCALE = 2
/** Items are counted in whole units unless an asset says otherwise. */
export const DEFAULT_ITEM_SCALE = 0
export const MAX_ITEM_SCALE = 3

/** What an account is for. */
export const accountCodes = ['donor', 'escrow', 'organization', 'project', 'household', 'stock', 'write_off'] as const
export type AccountCode = (typeof accountCodes)[number]

/** Who owns an account (the owner id is a users/organizations/listings/households id; no FK across contexts). */
export const ownerTypes = ['user', 'organization', 'listing', 'household'] as const
export type OwnerType = (typeof ownerTypes)[number]

/** What a transfer is. */
export const transferCodes = ['pledge', 'release', 'payout', 'refund', 'lot_receipt', 'distribution', 'write_off', 'correction'] as const
export type TransferCode = (typeof transferCodes)[number]

export const claimStatuses = ['pending', 'approved', 'rejected', 'withdrawn'] as const
export type ClaimStatus = (typeof claimStatuses)[number]

export const submissionStatuses = ['submitted', 'approved', 'rejected'] as const
export type SubmissionStatus = (typeof submissionStatuses)[number]

export const writeOffReasons = ['lost', 'spoiled', 'expired', 'damaged'] as const
export type WriteOffReason = (typeof writeOffReasons)[number]

/** Default life of a money hold when the listing has no end date: 90 days. */
export const DEFAULT_HOLD_SECONDS = 90 * 24 * 3600

export function itemAsset(kind: string, unit: string) {
  return `item:${kind.trim()}/${unit.trim()}`
}
