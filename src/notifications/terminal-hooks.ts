// What happens when uploads reach a terminal state, beyond the status write itself: completion
// notifications are queued (in the same transaction) and the metrics count it once that transaction
// has committed (a COMMIT that fails must not count). The worker and the sweep (scheduled or through
// the cron route) take these hooks.
import type { FastifyInstance } from 'fastify'
import type { UploadFinishedHook } from './payload.js'
import type { SweptUploadsHook } from '../jobs/sweep-stuck-jobs.js'

export interface TerminalHooks {
  onFinished: UploadFinishedHook
  onSwept: SweptUploadsHook
}

export function terminalHooks (app: FastifyInstance): TerminalHooks {
  return {
    async onFinished (tx, upload) {
      const { job_id, shop, status, bundles_created, error_message } = upload
      await app.notifications.uploadFinished(tx, { job_id, shop, status, bundles_created, error_message })
      tx.afterCommit(() => { app.metrics.recordJobFinished({ status: upload.status, durationMs: upload.duration_ms, rows: upload.rows_read, bytes: upload.bytes }) })
    },
    async onSwept (tx, swept) {
      tx.afterCommit(() => { app.metrics.recordSweep(swept.length) })
      if (swept.length === 0 || !app.notifications.enabled) return
      const { rows } = await tx.executeSql('select id, shop_id from csv_uploads where id = any($1::uuid[])', [swept.map(s => s.id)])
      const shops = new Map((rows as Array<{ id: string, shop_id: string }>).map(r => [r.id, r.shop_id]))
      for (const { id, message } of swept) {
        const shop = shops.get(id)
        if (shop !== undefined) await app.notifications.uploadFinished(tx, { job_id: id, shop, status: 'FAILED', bundles_created: 0, error_message: message })
      }
    }
  }
}
