// upload_rate_limits: fixed windows counted in the database, so every instance shares one budget.
import { lt, sql } from 'drizzle-orm'
import type { Orm } from '../../db/database.js'
import { uploadRateLimits } from '../../db/schema.js'

/**
 * Counts one attempt for `key` and returns the attempts in its current window (this one included) and
 * the milliseconds left in that window. A window starts at a key's first attempt and lasts `windowMs`;
 * the first attempt after it ended starts a new one. One statement: concurrent attempts from any
 * number of instances are each counted exactly once (the row lock orders them).
 */
export async function countAttempt (orm: Orm, key: string, windowMs: number): Promise<{ hits: number, msLeft: number }> {
  const t = uploadRateLimits
  const ended = sql`${t.window_ends_at} <= now()`
  const rows = await orm.insert(t)
    .values({ key, hits: 1, window_ends_at: sql`now() + ${windowMs} * interval '1 millisecond'` })
    .onConflictDoUpdate({
      target: t.key,
      set: {
        hits: sql`case when ${ended} then 1 else ${t.hits} + 1 end`,
        window_ends_at: sql`case when ${ended} then excluded.window_ends_at else ${t.window_ends_at} end`
      }
    })
    .returning({ hits: t.hits, msLeft: sql<number>`greatest(0, ceil(extract(epoch from ${t.window_ends_at} - now()) * 1000))::int` })
  return { hits: rows[0].hits, msLeft: Number(rows[0].msLeft) }
}

/** Deletes windows that ended before `cutoff` (housekeeping; a missing row is a fresh window). */
export async function deleteEndedWindows (orm: Orm, cutoff: Date): Promise<number> {
  const rows = await orm.delete(uploadRateLimits).where(lt(uploadRateLimits.window_ends_at, cutoff)).returning({ key: uploadRateLimits.key })
  return rows.length
}
