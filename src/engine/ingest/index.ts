// Ingest: bytes of an order or product export in, product dictionary and CSR baskets out.
export { ingest } from './ingest.js'
export { inspectHeader } from './inspect.js'
export { CsvRecordCounter } from './record-counter.js'
