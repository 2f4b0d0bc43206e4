// `app.latestUploads`: each shop's latest upload (and, after a failure, its last completed install) for the status route, cached in memory and dropped
// on every instance the moment any instance (or the sweep, or a manual fix) changes it. See
// src/services/latest-upload-cache.ts for why that stays correct with several instances.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { LatestUploadCache } from '../src/services/latest-upload-cache.js'
import { findShopInstall, type ShopInstall } from '../src/repositories/uploads.js'
import { cooldownStart } from '../src/services/install-state.js'

declare module 'fastify' {
  interface FastifyInstance {
    latestUploads: LatestUploadCache<ShopInstall>
  }
}

/** Sent by the csv_uploads trigger (db/migrations/0001_upload_change_notify.sql) with the shop as payload. */
export const UPLOADS_CHANGED_CHANNEL = 'csv_uploads_changed'
/** Bounds the memory: about 1 KB per shop. */
const MAX_SHOPS = 20_000

export default fp(async function latestUploadsPlugin (app: FastifyInstance) {
  const maxAgeMs = app.config.STATUS_CACHE_SECONDS * 1000
  const cooldownDays = app.config.QUICK_INSTALL_COOLDOWN_DAYS
  // The upload the status shows is the one the upload route decides by (src/services/install-state.ts).
  const load = async (shop: string): Promise<ShopInstall> => await findShopInstall(app.db.orm, shop, cooldownStart(new Date(), cooldownDays))
  const cache = new LatestUploadCache({ load, maxAgeMs, maxEntries: MAX_SHOPS })
  app.decorate('latestUploads', cache)
  if (maxAgeMs === 0) return
  let lostSince: number | undefined
  const stop = await app.db.listen(UPLOADS_CHANGED_CHANNEL, {
    onNotification: (shop) => { cache.invalidate(shop) },
    onLost: (err) => {
      cache.distrust()
      if (lostSince === undefined) {
        lostSince = Date.now()
        app.log.warn({ err: { message: err.message } }, 'upload change announcements interrupted; status is read from the database until they resume')
      }
    },
    onListening: () => {
      if (lostSince !== undefined) app.log.info({ after_ms: Date.now() - lostSince }, 'upload change announcements resumed')
      lostSince = undefined
      cache.trust()
    }
  })
  app.addHook('onClose', async () => {
    cache.distrust()
    await stop()
  })
}, { name: 'latest-uploads', dependencies: ['config', 'database'], fastify: '5.x' })
