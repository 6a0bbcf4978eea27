// Imported first by the worker entry so every module (the logger's `service` field,
// Postgres application_name) sees which process it runs in.
process.env.GONGJIAN_PROCESS ??= 'workers'
