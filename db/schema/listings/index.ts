export * from './tables'
export * from './search'
