export * from './tables'
export * from './validation'
