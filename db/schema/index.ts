// Barrel of every bounded context; drizzle-kit and the query builder read this.
export * from './regions'
export * from './organizations'
export * from './identity'
export * from './taxonomy'
export * from './listings'
export * from './audit'
export * from './ledger'
