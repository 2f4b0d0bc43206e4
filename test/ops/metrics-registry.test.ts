// The metrics registry on its own: what the worker and sweep record shows up in the exposition.
import t from 'tap'
import { createMetrics, uploadOutcomeOf } from '../../plugins/metrics.js'
import { parsePrometheusText } from './prom-text.js'

t.test('recorded events appear in the Prometheus exposition', async (t) => {
  let depthCalls = 0
  const metrics = createMetrics({
    defaultMetrics: false,
    queueDepth: async () => {
      depthCalls++
      return [{ queue: 'quick-install', state: 'active', count: 2 }, { queue: 'quick-install', state: 'created', count: 5 }]
    }
  })
  metrics.uploads.inc({ outcome: uploadOutcomeOf(200) })
  metrics.uploads.inc({ outcome: uploadOutcomeOf(400) })
  metrics.uploads.inc({ outcome: uploadOutcomeOf(409) })
  metrics.recordJobFinished({ status: 'COMPLETED', durationMs: 1500, rows: 1000, bytes: 65536 })
  metrics.recordJobFinished({ status: 'FAILED', durationMs: 200 })
  metrics.recordSweep(0)
  metrics.recordSweep(3)

  const text = await metrics.registry.metrics()
  const m = parsePrometheusText(text)
  t.equal(metrics.registry.contentType.split(';')[0], 'text/plain')
  t.equal(m.value('bundle_api_uploads_total', { outcome: 'accepted' }), 1)
  t.equal(m.value('bundle_api_uploads_total', { outcome: 'rejected' }), 1)
  t.equal(m.value('bundle_api_uploads_total', { outcome: 'conflict' }), 1)
  t.equal(m.value('bundle_api_uploads_total', { outcome: 'completed' }), 1)
  t.equal(m.value('bundle_api_uploads_total', { outcome: 'failed' }), 1)
  t.equal(m.value('bundle_api_uploads_total', { outcome: 'timed_out' }), 3, 'swept uploads count as timed_out')
  t.equal(m.types.get('bundle_api_job_duration_seconds'), 'histogram')
  t.equal(m.value('bundle_api_job_duration_seconds_count', { status: 'COMPLETED' }), 1)
  t.equal(m.value('bundle_api_job_duration_seconds_sum', { status: 'COMPLETED' }), 1.5)
  t.equal(m.value('bundle_api_job_duration_seconds_bucket', { status: 'COMPLETED', le: '1' }), 0, '1.5 s is not in the 1 s bucket')
  t.equal(m.value('bundle_api_job_duration_seconds_bucket', { status: 'COMPLETED', le: '2' }), 1, '1.5 s is in the 2 s bucket')
  t.equal(m.value('bundle_api_rows_processed_total'), 1000)
  t.equal(m.value('bundle_api_bytes_processed_total'), 65536)
  t.equal(m.value('bundle_api_sweeps_total'), 2)
  t.equal(m.value('bundle_api_swept_jobs_total'), 3)
  t.equal(m.value('bundle_api_queue_jobs', { queue: 'quick-install', state: 'active' }), 2)
  t.equal(m.value('bundle_api_queue_jobs', { queue: 'quick-install', state: 'created' }), 5)
  t.equal(m.value('bundle_api_queue_jobs', { queue: 'quick-install', state: 'retry' }), 0, 'absent states are zero-filled')
  t.equal(depthCalls, 1, 'queue depth is read once per scrape')
})

t.test('outcome labels for every answer the upload route gives', async (t) => {
  t.same([200, 400, 401, 409, 413, 415, 429, 500, 503].map(uploadOutcomeOf),
    ['accepted', 'rejected', 'unauthorized', 'conflict', 'too_large', 'rejected', 'rate_limited', 'error', 'error'])
})

t.test('two apps in one process keep separate registries', async (t) => {
  const a = createMetrics({ defaultMetrics: true })
  const b = createMetrics({ defaultMetrics: true })
  a.recordSweep(1)
  t.equal(parsePrometheusText(await b.registry.metrics()).value('bundle_api_sweeps_total'), 0)
  t.ok(parsePrometheusText(await a.registry.metrics()).value('bundle_api_process_resident_memory_bytes'), 'process memory is exported')
})
