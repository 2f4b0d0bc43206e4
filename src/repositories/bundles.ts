// bundle_recommendations: what an install produced, keyed to its upload.
import { asc, desc, eq, gt, and, sql, type SQL } from 'drizzle-orm'
import type { Orm } from '../../db/database.js'
import { bundleRecommendations, type BundleRecommendation, type NewBundleRecommendation } from '../../db/schema.js'

export type BundleSort = 'rank' | 'score' | 'count' | 'lift'

const INSERT_BATCH = 200

export async function replaceUploadBundles (orm: Orm, uploadId: string, rows: NewBundleRecommendation[]): Promise<void> {
  // A retried job replaces its own partial output.
  await orm.delete(bundleRecommendations).where(eq(bundleRecommendations.upload_id, uploadId))
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    await orm.insert(bundleRecommendations).values(rows.slice(i, i + INSERT_BATCH))
  }
}

export async function countUploadBundles (orm: Orm, uploadId: string): Promise<number> {
  const rows = await orm.select({ n: sql<number>`count(*)::int` }).from(bundleRecommendations).where(eq(bundleRecommendations.upload_id, uploadId))
  return rows[0]?.n ?? 0
}

function ordering (sort: BundleSort): SQL[] {
  const b = bundleRecommendations
  switch (sort) {
    case 'score': return [desc(b.score), asc(b.rank)]
    case 'count': return [sql`(${b.stats}->>'count')::double precision desc nulls last`, asc(b.rank)]
    case 'lift': return [sql`(${b.stats}->>'lift')::double precision desc nulls last`, asc(b.rank)]
    default: return [asc(b.rank), asc(b.id)]
  }
}

export async function listUploadBundles (orm: Orm, uploadId: string, page: { sort: BundleSort, limit: number, offset: number }): Promise<BundleRecommendation[]> {
  return await orm.select().from(bundleRecommendations).where(eq(bundleRecommendations.upload_id, uploadId))
    .orderBy(...ordering(page.sort)).limit(page.limit).offset(page.offset)
}

/** Every bundle of an upload in rank order, a page at a time (keyset), for streaming exports. */
export async function * iterateUploadBundles (orm: Orm, uploadId: string, pageSize = 500): AsyncGenerator<BundleRecommendation> {
  let after = 0
  for (;;) {
    const rows = await orm.select().from(bundleRecommendations)
      .where(and(eq(bundleRecommendations.upload_id, uploadId), gt(bundleRecommendations.rank, after)))
      .orderBy(asc(bundleRecommendations.rank)).limit(pageSize)
    yield * rows
    if (rows.length < pageSize) return
    after = rows[rows.length - 1].rank
  }
}
