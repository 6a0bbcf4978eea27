/** Every queue the worker process hosts; /healthz reports the depth of each. */
export const queueNames = ['system', 'search', 'matching', 'ledger', 'monitoring', 'feeds', 'imports'] as const
export type QueueName = (typeof queueNames)[number]
