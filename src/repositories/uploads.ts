// csv_uploads: one row per quick install. Every function takes the handle (db or transaction) it must use.
import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm'
import type { Orm } from '../../db/database.js'
import { csvUploads, type CsvUpload, type NewCsvUpload } from '../../db/schema.js'

export async function insertUpload (orm: Orm, row: NewCsvUpload): Promise<void> {
  await orm.insert(csvUploads).values(row)
}

export async function findUpload (orm: Orm, id: string): Promise<CsvUpload | undefined> {
  const rows = await orm.select().from(csvUploads).where(eq(csvUploads.id, id)).limit(1)
  return rows[0]
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * One upload of `shop` by the id a caller gave (any case). Another shop's upload is as absent as an
 * unknown one, and so is an id that is no UUID (the database would refuse to compare it: a 500).
 */
export async function findShopUpload (orm: Orm, shop: string, id: string): Promise<CsvUpload | undefined> {
  if (!UUID.test(id)) return undefined
  const rows = await orm.select().from(csvUploads).where(and(eq(csvUploads.id, id.toLowerCase()), eq(csvUploads.shop_id, shop))).limit(1)
  return rows[0]
}

/**
 * The upload that decides what the shop may do now, and what its status shows: the one processing (there
 * is at most one), else the newest completed since `cooldownStart` (it holds the cooldown), else the
 * newest upload. Decided by status first, so rows whose created_at disagree with the order in which
 * they were accepted (written before uploads took created_at under the shop's lock) cannot hide a
 * running install or a cooldown behind a newer-looking failed one.
 */
export async function findCurrentUpload (orm: Orm, shop: string, cooldownStart: Date): Promise<CsvUpload | undefined> {
  const completedAt = sql`coalesce(${csvUploads.completed_at}, ${csvUploads.updated_at})`
  const rows = await orm.select().from(csvUploads).where(eq(csvUploads.shop_id, shop))
    .orderBy(
      sql`(${csvUploads.status} = 'processing') desc`,
      sql`case when ${csvUploads.status} = 'completed' and ${completedAt} > ${cooldownStart.toISOString()}::timestamptz then ${completedAt} end desc nulls last`,
      desc(csvUploads.created_at), desc(csvUploads.id))
    .limit(1)
  return rows[0]
}

/** The running upload of the shop, or else its newest: the one a refused insert collided with. */
export async function findCollidingUpload (orm: Orm, shop: string): Promise<CsvUpload | undefined> {
  const rows = await orm.select().from(csvUploads).where(eq(csvUploads.shop_id, shop))
    .orderBy(sql`(${csvUploads.status} = 'processing') desc`, desc(csvUploads.created_at), desc(csvUploads.id)).limit(1)
  return rows[0]
}

/**
 * What the status route shows for a shop: its current upload (findCurrentUpload) and, when that one
 * failed, the newest completed install, whose bundles GET /api/bundles still serves (null: none).
 */
export interface ShopInstall { current: CsvUpload | undefined, lastCompletedJobId: string | null }

export async function findShopInstall (orm: Orm, shop: string, cooldownStart: Date): Promise<ShopInstall> {
  const current = await findCurrentUpload(orm, shop, cooldownStart)
  const lastCompleted = current?.status === 'failed' ? await findLatestCompleted(orm, shop) : undefined
  return { current, lastCompletedJobId: lastCompleted?.id ?? null }
}

export async function findLatestCompleted (orm: Orm, shop: string): Promise<CsvUpload | undefined> {
  const rows = await orm.select().from(csvUploads).where(and(eq(csvUploads.shop_id, shop), eq(csvUploads.status, 'completed')))
    .orderBy(sql`${csvUploads.completed_at} desc nulls last`, desc(csvUploads.id)).limit(1)
  return rows[0]
}

/**
 * The database's clock now (clock_timestamp(), not now(): that is the transaction's start, which may
 * come before a lock the transaction then waited for): one clock for every instance. Rounded up to the
 * millisecond a Date holds, so it is never before anything the database stamped earlier.
 */
export async function databaseTime (orm: Orm): Promise<Date> {
  const result = await orm.execute(sql`select extract(epoch from clock_timestamp()) * 1000 as ms`)
  const rows = (result as unknown as { rows: Array<{ ms: number | string }> }).rows
  return new Date(Math.ceil(Number(rows[0].ms)))
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

/**
 * A worker starts an attempt: stamps its start (a retry restarts the clock) while the upload is still
 * processing. Undefined: nothing to do (the upload finished, failed or was swept meanwhile).
 */
export async function startAttempt (orm: Orm, id: string, now: Date): Promise<CsvUpload | undefined> {
  const rows = await orm.update(csvUploads)
    .set({ attempt_started_at: now, updated_at: now })
    .where(and(eq(csvUploads.id, id), eq(csvUploads.status, 'processing')))
    .returning()
  return rows[0]
}

/**
 * An attempt handed back to the queue for a retry: the upload waits again, so the sweep stops timing
 * it as running. Only the attempt that started at `startedAt`: a later attempt (pg-boss retries an
 * expired one elsewhere) keeps its own clock. True when this attempt still owned the upload.
 */
export async function endAttempt (orm: Orm, id: string, startedAt: Date, now: Date): Promise<boolean> {
  const rows = await orm.update(csvUploads)
    .set({ attempt_started_at: null, updated_at: now })
    .where(and(eq(csvUploads.id, id), eq(csvUploads.status, 'processing'), eq(csvUploads.attempt_started_at, startedAt)))
    .returning({ id: csvUploads.id })
  return rows.length === 1
}

/** Fails every upload whose current attempt started before `startedBefore` and is still processing; returns their ids. */
export async function failStuckAttempts (orm: Orm, startedBefore: Date, message: string, now: Date): Promise<string[]> {
  const rows = await orm.update(csvUploads)
    .set({ status: 'failed', error_message: message, updated_at: now })
    .where(and(eq(csvUploads.status, 'processing'), lt(csvUploads.attempt_started_at, startedBefore)))
    .returning({ id: csvUploads.id })
  return rows.map(r => r.id)
}

/** Fails every upload created before `createdBefore` that no worker is running (never started, or handed back); returns their ids. */
export async function failUnstartedUploads (orm: Orm, createdBefore: Date, message: string, now: Date): Promise<string[]> {
  const rows = await orm.update(csvUploads)
    .set({ status: 'failed', error_message: message, updated_at: now })
    .where(and(eq(csvUploads.status, 'processing'), isNull(csvUploads.attempt_started_at), lt(csvUploads.created_at, createdBefore)))
    .returning({ id: csvUploads.id })
  return rows.map(r => r.id)
}

/** Serialises installs of one shop for the rest of the transaction (cheap; the unique index is the real guard). */
export async function lockShop (orm: Orm, shop: string): Promise<void> {
  await orm.execute(sql`select pg_advisory_xact_lock(hashtext(${'quick-install:' + shop}))`)
}

export const PROCESSING_UNIQUE_INDEX = 'csv_uploads_one_processing_per_shop'
