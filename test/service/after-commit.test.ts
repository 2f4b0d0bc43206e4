// Metrics count what committed. The terminal hooks used to count a finished job or a sweep inside the
// transaction, before COMMIT: a COMMIT that failed (here a deferred constraint trigger raising at
// commit) still counted uploads_total{outcome="completed"} while the row stayed processing. Now they
// count through tx.afterCommit, which runs only after a successful COMMIT, on Postgres and PGlite.
import t from 'tap'
import { startTestApp } from '../helpers/app.js'
import { TINY_CATALOG, upload } from '../helpers/http.js'
import { terminalHooks } from '../../src/notifications/terminal-hooks.js'
import { sweepStuckJobs } from '../../src/jobs/sweep-stuck-jobs.js'

const { app } = await startTestApp(t, {}, { workers: false })

// A table whose rows make the COMMIT fail: the trigger is deferred to commit time.
await app.db.executeSql(`create table test_commit_guard (id int);
  create function test_refuse_commit() returns trigger language plpgsql as $$ begin raise exception 'injected fault: refused at commit'; end $$;
  create constraint trigger test_refuse_commit after insert on test_commit_guard deferrable initially deferred for each row execute function test_refuse_commit()`)

const counter = async (name: string, labels: Record<string, string> = {}): Promise<number> => {
  const metric = await app.metrics.registry.getSingleMetric(name)?.get()
  const value = metric?.values.find(v => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
  return value?.value ?? 0
}

t.test('afterCommit runs after a successful COMMIT, once, and never after a rollback or a failed COMMIT', async (t) => {
  const ran: string[] = []
  await app.db.transaction(async (tx) => {
    tx.afterCommit(() => ran.push('first'))
    await tx.executeSql('select 1')
    tx.afterCommit(() => ran.push('second'))
    t.same(ran, [], 'nothing runs before the COMMIT')
  })
  t.same(ran, ['first', 'second'], 'after the COMMIT, in order, once each')

  ran.length = 0
  await t.rejects(app.db.transaction(async (tx) => {
    tx.afterCommit(() => ran.push('rolled back'))
    throw new Error('the caller gives up')
  }), /the caller gives up/)
  await t.rejects(app.db.transaction(async (tx) => {
    tx.afterCommit(() => ran.push('commit failed'))
    await tx.executeSql('insert into test_commit_guard values (1)')
  }), /refused at commit/)
  t.same(ran, [], 'neither a rollback nor a failed COMMIT runs them')

  await app.db.transaction(async (tx) => { tx.afterCommit(() => { throw new Error('a broken callback') }); tx.afterCommit(() => ran.push('next')) })
  t.same(ran, ['next'], 'a callback that throws neither fails the committed transaction nor stops the others')
})

t.test('a finished job counts in the metrics only when its transaction commits', async (t) => {
  const { onFinished } = terminalHooks(app)
  const finished = { job_id: '00000000-0000-4000-8000-000000000001', shop: 'metrics-shop.myshopify.com', status: 'COMPLETED' as const, bundles_created: 3, error_message: null, rows_read: 10, bytes: 100, duration_ms: 50 }
  const before = await counter('bundle_api_uploads_total', { outcome: 'completed' })
  await t.rejects(app.db.transaction(async (tx) => {
    await onFinished(tx, finished)
    await tx.executeSql('insert into test_commit_guard values (1)')
  }), /refused at commit/)
  t.equal(await counter('bundle_api_uploads_total', { outcome: 'completed' }), before, 'a COMMIT that failed counts nothing')
  t.equal(await counter('bundle_api_rows_processed_total'), 0, 'nor its rows')

  await app.db.transaction(async (tx) => { await onFinished(tx, finished) })
  t.equal(await counter('bundle_api_uploads_total', { outcome: 'completed' }), before + 1, 'a committed one counts once')
  t.equal(await counter('bundle_api_rows_processed_total'), 10)
})

t.test('a sweep counts only when its transaction commits', async (t) => {
  const h = { 'x-shop-domain': 'swept-shop.myshopify.com' }
  const res = await upload(app, { filename: 'a.csv', content: TINY_CATALOG }, h)
  t.equal(res.statusCode, 200, res.body)
  // A worker started it long ago and was lost: the sweep fails it.
  await app.db.executeSql("update csv_uploads set attempt_started_at = now() - interval '1 hour' where id = $1", [res.json().job_id])
  await app.db.executeSql(`create function test_refuse_sweep() returns trigger language plpgsql as $$ begin insert into test_commit_guard values (2); return null; end $$;
    create trigger test_refuse_sweep after update on csv_uploads for each row execute function test_refuse_sweep()`)
  const { onSwept } = terminalHooks(app)
  const sweeps = await counter('bundle_api_sweeps_total')
  const timedOut = await counter('bundle_api_uploads_total', { outcome: 'timed_out' })
  await t.rejects(sweepStuckJobs(app.db, new Date(), 10, onSwept), /refused at commit/)
  t.equal(await counter('bundle_api_sweeps_total'), sweeps, 'a sweep whose COMMIT failed is not counted')
  t.equal(await counter('bundle_api_uploads_total', { outcome: 'timed_out' }), timedOut, 'nor the uploads it did not fail after all')

  await app.db.executeSql('drop trigger test_refuse_sweep on csv_uploads')
  t.equal(await sweepStuckJobs(app.db, new Date(), 10, onSwept), 1)
  t.equal(await counter('bundle_api_sweeps_total'), sweeps + 1, 'a committed sweep counts once')
  t.equal(await counter('bundle_api_uploads_total', { outcome: 'timed_out' }), timedOut + 1)
})
