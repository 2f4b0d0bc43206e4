// The drizzle schema. `npm run db:generate` turns changes here into SQL under db/migrations, applied at start-up.
import { sql } from 'drizzle-orm'
import { bigint, boolean, check, customType, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

const bytea = customType<{ data: Uint8Array, driverData: Uint8Array }>({
  dataType: () => 'bytea'
})

const timestamps = {
  created_at: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updated_at: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()
}

export const csvUploads = pgTable('csv_uploads', {
  id: uuid('id').primaryKey(),
  shop_id: text('shop_id').notNull(),
  filename: text('filename').notNull(),
  csv_type: text('csv_type').notNull().default('quick_install'),
  /** processing | completed | failed, lowercase (the API shows it uppercase). */
  status: text('status').notNull(),
  total_rows: integer('total_rows').notNull().default(0),
  /** Bundles created. */
  processed_rows: integer('processed_rows').notNull().default(0),
  error_message: text('error_message'),
  processing_params: jsonb('processing_params').$type<ProcessingParams>().notNull(),
  /** The engine's RunSummary, kept after the file's bytes are deleted. */
  summary: jsonb('summary').$type<Record<string, unknown>>(),
  /** Bytes as received (compressed for .csv.gz). */
  bytes_received: bigint('bytes_received', { mode: 'number' }).notNull().default(0),
  /** The stored chunks are gzip: the worker inflates them again. */
  gzipped: boolean('gzipped').notNull().default(false),
  completed_at: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
  /**
   * When a worker started the current attempt; null while the upload waits in the queue (never
   * started, or handed back for a retry). The sweep times a stuck attempt from here, not from created_at.
   */
  attempt_started_at: timestamp('attempt_started_at', { withTimezone: true, mode: 'date' }),
  ...timestamps
}, (t) => [
  // The database-level guard against two installs at once for one shop.
  uniqueIndex('csv_uploads_one_processing_per_shop').on(t.shop_id).where(sql`${t.status} = 'processing'`),
  index('csv_uploads_shop_created').on(t.shop_id, t.created_at),
  index('csv_uploads_status_created').on(t.status, t.created_at),
  check('csv_uploads_status_known', sql`${t.status} in ('processing', 'completed', 'failed')`)
])

export interface ProcessingParams {
  source: string
  file_name: string
  row_count: number
  format: string
  kind: string
  content_encoding: 'gzip' | 'identity'
  bytes: number
}

/**
 * The uploaded file as received, in ~1 MiB chunks, so a worker on any instance can read it back.
 * Written before the upload row exists (no foreign key); deleted when the upload reaches a terminal state.
 */
export const uploadChunks = pgTable('upload_chunks', {
  upload_id: uuid('upload_id').notNull(),
  seq: integer('seq').notNull(),
  data: bytea('data').notNull(),
  created_at: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()
}, (t) => [
  primaryKey({ columns: [t.upload_id, t.seq] }),
  index('upload_chunks_created').on(t.created_at)
])

export const bundleRecommendations = pgTable('bundle_recommendations', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  upload_id: uuid('upload_id').notNull().references(() => csvUploads.id, { onDelete: 'cascade' }),
  shop_id: text('shop_id').notNull(),
  /** FBT | VOLUME */
  type: text('type').notNull(),
  items: jsonb('items').notNull(),
  stats: jsonb('stats'),
  pricing: jsonb('pricing').notNull(),
  score: doublePrecision('score').notNull(),
  rank: integer('rank').notNull(),
  /** orders | catalog */
  source: text('source').notNull(),
  reason: text('reason').notNull(),
  created_at: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()
}, (t) => [
  index('bundle_recommendations_upload_rank').on(t.upload_id, t.rank)
])

/**
 * The upload rate limit's windows, shared by every instance on this database (an in-memory count
 * would let a fleet of N instances allow N × the limit). One row per key (a shop): the attempts in
 * its current window and when that window ends. The sweep deletes windows that have ended.
 */
export const uploadRateLimits = pgTable('upload_rate_limits', {
  key: text('key').primaryKey(),
  hits: integer('hits').notNull(),
  window_ends_at: timestamp('window_ends_at', { withTimezone: true, mode: 'date' }).notNull()
}, (t) => [
  index('upload_rate_limits_window_ends').on(t.window_ends_at)
])

export type CsvUpload = typeof csvUploads.$inferSelect
export type NewCsvUpload = typeof csvUploads.$inferInsert
export type BundleRecommendation = typeof bundleRecommendations.$inferSelect
export type NewBundleRecommendation = typeof bundleRecommendations.$inferInsert
