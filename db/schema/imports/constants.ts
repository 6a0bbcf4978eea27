// Plain values (browser-safe). Catalog keys: imports:<group>.<code>.

/** What a CSV import creates: household files (caseworkers) or listings (organization members). */
export const importKinds = ['households', 'listings'] as const
export type ImportKind = (typeof importKinds)[number]

/**
 * staged (uploaded, previewed) → queued (confirmed, large file, waiting for the worker) →
 * imported | failed; a staged batch nobody confirms becomes expired.
 */
export const importStatuses = ['staged', 'queued', 'imported', 'failed', 'expired'] as const
export type ImportStatus = (typeof importStatuses)[number]
