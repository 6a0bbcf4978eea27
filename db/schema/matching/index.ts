export * from './tables'
export * from './rescore-chunks'
