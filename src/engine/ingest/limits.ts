// Hard limits that keep a hostile or broken file from hanging the parser or exhausting memory.
// Anything past them is a MALFORMED_CSV error, never an attempt to buffer more.

/** Longest single field (a product description with HTML fits easily). */
export const MAX_FIELD_BYTES = 1 << 20
/** Longest record, all fields together. Bounds the carry-over buffer between chunks. */
export const MAX_RECORD_BYTES = 4 << 20
/** Most columns in a record (Shopify exports have ~80; a row of a million commas is not data). */
export const MAX_COLUMNS = 1000
/** Bytes the upload route hands inspectHeader; a header row must end within this many bytes. */
export const HEAD_BYTES = 64 << 10
/** Incoming chunks are scanned in slices of at most this size so a huge chunk is never copied whole. */
export const SLICE_BYTES = 1 << 20
/**
 * Most distinct products (line keys) in one file. Each costs a few hundred bytes of dictionary;
 * a file past this is not a shop's order history but generated noise, and would not fit in memory.
 */
export const MAX_DISTINCT_PRODUCTS = 500_000
/** Most orders and order lines in one file: twice the largest shops the engine is sized for (1,000,000 orders). */
export const MAX_ORDERS = 2_000_000
export const MAX_ORDER_LINES = 6_000_000
