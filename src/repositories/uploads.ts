// csv_uploads: one row per quick install. Every function takes the handle (db or transaction) it must use.
import { and, desc, eq, lt, sql } from 'drizzle-orm'
import type { Orm } from '../../db/database.js'
import { csvUploads, type CsvUpload, type NewCsvUpload } from '../../db/schema.js'

export type UploadStatus = 'processing' | 'completed' | 'failed'

export async function insertUpload (orm: Orm, row: NewCsvUpload): Promise<void> {
  await orm.insert(csvUploads).values(row)
}

export async function findUpload (orm: Orm, id: string): Promise<CsvUpload | undefined> {
  const rows = await orm.select().from(csvUploads).where(eq(csvUploads.id, id)).limit(1)
  return rows[0]
}

/** Another shop's upload is as absent as an unknown one. */
export async function findShopUpload (orm: Orm, shop: string, id: string): Promise<CsvUpload | undefined> {
  const rows = await orm.select().from(csvUploads).where(and(eq(csvUploads.id, id), eq(csvUploads.shop_id, shop))).limit(1)
  return rows[0]
}

export async function findLatestUpload (orm: Orm, shop: string): Promise<CsvUpload | undefined> {
  const rows = await orm.select().from(csvUploads).where(eq(csvUploads.shop_id, shop))
    .orderBy(desc(csvUploads.created_at), desc(csvUploads.id)).limit(1)
  return rows[0]
}

export async function findLatestCompleted (orm: Orm, shop: string): Promise<CsvUpload | undefined> {
  const rows = await orm.select().from(csvUploads).where(and(eq(csvUploads.shop_id, shop), eq(csvUploads.status, 'completed')))
    .orderBy(desc(csvUploads.completed_at), desc(csvUploads.id)).limit(1)
  return rows[0]
}

export interface Completion {
  id: string
  bundlesCreated: number
  summary: Record<string, unknown>
  now: Date
}

/** Completes an upload only while it is still processing: false means the sweep (or another attempt) won. */
export async function completeUpload (orm: Orm, c: Completion): Promise<boolean> {
  const rows = await orm.update(csvUploads)
    .set({ status: 'completed', processed_rows: c.bundlesCreated, summary: c.summary, error_message: null, completed_at: c.now, updated_at: c.now })
    .where(and(eq(csvUploads.id, c.id), eq(csvUploads.status, 'processing')))
    .returning({ id: csvUploads.id })
  return rows.length === 1
}

/** Fails an upload only while it is still processing. */
export async function failUpload (orm: Orm, id: string, message: string, now: Date, summary?: Record<string, unknown>): Promise<boolean> {
  const rows = await orm.update(csvUploads)
    .set({ status: 'failed', error_message: message, updated_at: now, ...(summary === undefined ? {} : { summary }) })
    .where(and(eq(csvUploads.id, id), eq(csvUploads.status, 'processing')))
    .returning({ id: csvUploads.id })
  return rows.length === 1
}

/** Fails every upload processing since before `cutoff`; returns their ids. */
export async function failStuckUploads (orm: Orm, cutoff: Date, message: string, now: Date): Promise<string[]> {
  const rows = await orm.update(csvUploads)
    .set({ status: 'failed', error_message: message, updated_at: now })
    .where(and(eq(csvUploads.status, 'processing'), lt(csvUploads.created_at, cutoff)))
    .returning({ id: csvUploads.id })
  return rows.map(r => r.id)
}

/** Serialises installs of one shop for the rest of the transaction (cheap; the unique index is the real guard). */
export async function lockShop (orm: Orm, shop: string): Promise<void> {
  await orm.execute(sql`select pg_advisory_xact_lock(hashtext(${'quick-install:' + shop}))`)
}

export const PROCESSING_UNIQUE_INDEX = 'csv_uploads_one_processing_per_shop'
