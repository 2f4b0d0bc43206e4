// The upload row and its job are one transaction, and one shop runs one install at a time even when
// 50 uploads race. Faults are injected with database triggers, so the real code path fails for real.
import t from 'tap'
import { buildApp } from '../../src/app.js'
import type { Database } from '../../db/database.js'
import { startTestApp, testConfig } from '../helpers/app.js'
import { createTestDatabase } from '../helpers/database.js'
import { TINY_CATALOG, upload } from '../helpers/http.js'

// No workers: uploads stay PROCESSING, so what we count is exactly what the upload path wrote. Status
// is read from the database: rows are rewritten with SQL and read at once (on Postgres the cache's
// change announcement arrives asynchronously; the cache is tested in latest-uploads.test.ts).
const { app } = await startTestApp(t, { STATUS_CACHE_SECONDS: 0 }, { workers: false })
const shop = (name: string): Record<string, string> => ({ 'x-shop-domain': `${name}.myshopify.com` })

async function counts (shopId: string): Promise<{ uploads: number, jobs: number, chunks: number }> {
  const uploads = (await app.db.executeSql('select count(*)::int as n from csv_uploads where shop_id = $1', [shopId])).rows[0].n
  const jobs = (await app.db.executeSql("select count(*)::int as n from pgboss.job where name = 'quick-install' and data->>'shop_id' = $1", [shopId])).rows[0].n
  const chunks = (await app.db.executeSql('select count(*)::int as n from upload_chunks')).rows[0].n
  return { uploads, jobs, chunks }
}

t.test('when the job cannot be enqueued, the upload row and its bytes are gone too', async (t) => {
  await app.db.executeSql(`create or replace function test_refuse_job() returns trigger language plpgsql as $$
    begin raise exception 'injected fault: job insert refused'; end $$`)
  await app.db.executeSql('create trigger test_refuse_job before insert on pgboss.job for each row execute function test_refuse_job()')
  t.teardown(async () => { await app.db.executeSql('drop trigger if exists test_refuse_job on pgboss.job') })

  const res = await upload(app, { filename: 'a.csv', content: TINY_CATALOG }, shop('send-fails'))
  t.equal(res.statusCode, 500)
  t.notMatch(res.body, /injected|trigger|stack/i, 'a 5xx never carries the internal message')
  t.same(await counts('send-fails.myshopify.com'), { uploads: 0, jobs: 0, chunks: 0 }, 'no row, no job, no chunks')
})

t.test('when the upload row fails at commit (after the job was sent), the job is gone too', async (t) => {
  await app.db.executeSql(`create or replace function test_refuse_upload() returns trigger language plpgsql as $$
    begin raise exception 'injected fault: upload refused at commit'; end $$`)
  await app.db.executeSql(`create constraint trigger test_refuse_upload after insert on csv_uploads
    deferrable initially deferred for each row execute function test_refuse_upload()`)
  t.teardown(async () => { await app.db.executeSql('drop trigger if exists test_refuse_upload on csv_uploads') })

  const res = await upload(app, { filename: 'a.csv', content: TINY_CATALOG }, shop('commit-fails'))
  t.equal(res.statusCode, 500)
  t.same(await counts('commit-fails.myshopify.com'), { uploads: 0, jobs: 0, chunks: 0 }, 'no row, no job, no chunks')

  // The next upload works once the fault is gone.
  await app.db.executeSql('drop trigger test_refuse_upload on csv_uploads')
  const ok = await upload(app, { filename: 'a.csv', content: TINY_CATALOG }, shop('commit-fails'))
  t.equal(ok.statusCode, 200, ok.body)
  t.match(await counts('commit-fails.myshopify.com'), { uploads: 1, jobs: 1 })
})

t.test('50 simultaneous uploads for one shop: exactly one 200 and 49 × 409', async (t) => {
  const h = shop('racing')
  const warnings: string[] = []
  const onWarning = (w: Error): void => { warnings.push(w.message) }
  process.on('warning', onWarning)
  t.teardown(() => { process.off('warning', onWarning) })
  const results = await Promise.all(Array.from({ length: 50 }, async (_, i) =>
    await upload(app, { filename: `race-${i}.csv`, content: TINY_CATALOG }, h)))
  // Node emits a warning on the next tick: let it arrive before looking.
  await new Promise(resolve => setImmediate(resolve))
  t.same(warnings.filter(w => w.includes('MaxListeners')), [], 'no listener warning: uploads staging at once all watch the one shutdown signal')
  const codes = results.map(r => r.statusCode)
  t.equal(codes.filter(c => c === 200).length, 1, 'one upload started')
  t.equal(codes.filter(c => c === 409).length, 49, 'the others were refused')
  const winner = results.find(r => r.statusCode === 200)?.json().job_id
  for (const r of results.filter(r => r.statusCode === 409)) {
    t.match(r.json().detail, { error: 'ALREADY_PROCESSING', job_id: winner }, 'each 409 names the running job')
  }
  const c = await counts('racing.myshopify.com')
  t.match(c, { uploads: 1, jobs: 1 }, 'one row, one job')
  // Staged bytes not owned by another shop's upload row: the winner's, and any a refused upload left behind.
  const staged = (await app.db.executeSql(`select distinct upload_id from upload_chunks c
    where not exists (select 1 from csv_uploads u where u.id = c.upload_id and u.shop_id <> $1)`, ['racing.myshopify.com'])).rows
  t.same(staged.map((r: { upload_id: string }) => r.upload_id), [winner], 'only the running upload keeps its bytes: the 49 refused left none')
})

t.test('the database itself refuses a second processing upload for a shop', async (t) => {
  const insert = async (id: string): Promise<unknown> => await app.db.executeSql(
    "insert into csv_uploads (id, shop_id, filename, status, processing_params) values ($1, 'guard.myshopify.com', 'x.csv', 'processing', '{}'::jsonb)", [id])
  await insert(crypto.randomUUID())
  await t.rejects(insert(crypto.randomUUID()), /csv_uploads_one_processing_per_shop/, 'partial unique index')
})

t.test('an upload whose transaction starts late is still the newest: status, 409s and cooldown follow it', async (t) => {
  // The upload's transaction is held before it starts (a busy pool, a slow instance) while another
  // upload of the shop is accepted and fails: the late one must not end up older than the failed one.
  const database = await createTestDatabase()
  t.teardown(async () => { await database.drop() })
  const db = await database.open()
  let holdNext = false
  let held = (): void => {}
  let release = (): void => {}
  const holding = new Promise<void>(resolve => { held = resolve })
  const gated: Database = {
    ...db,
    transaction: async (fn) => {
      if (holdNext) {
        holdNext = false
        held()
        await new Promise<void>(resolve => { release = resolve })
      }
      return await db.transaction(fn)
    }
  }
  const late = await buildApp({ config: testConfig(database, { STATUS_CACHE_SECONDS: 0 }), database: gated, workers: false })
  t.teardown(async () => { await late.close() })
  const shopId = 'late-transaction.myshopify.com'
  const h = { 'x-shop-domain': shopId }

  holdNext = true
  const answer = upload(late, { filename: 'late.csv', content: TINY_CATALOG }, h)
  await holding
  const failedId = crypto.randomUUID()
  await db.executeSql(`insert into csv_uploads (id, shop_id, filename, status, error_message, processing_params, created_at, updated_at)
    values ($1, $2, 'quick_install_x.csv', 'failed', 'engine error', '{}'::jsonb, clock_timestamp(), clock_timestamp())`, [failedId, shopId])
  release()
  const started = await answer
  t.equal(started.statusCode, 200, started.body)
  const lateId: string = started.json().job_id
  t.equal(started.json().is_retry, true, 'it follows the failed install')

  const order = (await db.executeSql('select id from csv_uploads where shop_id = $1 order by created_at desc', [shopId])).rows.map((r: { id: string }) => r.id)
  t.same(order, [lateId, failedId], 'the late upload\'s created_at is after the failed one (taken under the lock, from the database clock)')
  const status = async (): Promise<Record<string, unknown>> => (await late.inject({ url: '/api/bundles/quick-install/status', headers: h })).json()
  t.match(await status(), { job_id: lateId, status: 'PROCESSING', can_run: false }, 'the status shows the running install, not the failed one')
  const again = await upload(late, { filename: 'again.csv', content: TINY_CATALOG }, h)
  t.same([again.statusCode, again.json().detail?.error, again.json().detail?.job_id], [409, 'ALREADY_PROCESSING', lateId], `a concurrent upload: ${again.body}`)

  await db.executeSql("update csv_uploads set status = 'completed', processed_rows = 3, completed_at = now(), updated_at = now() where id = $1", [lateId])
  t.match(await status(), { job_id: lateId, status: 'COMPLETED', can_run: false, can_retry_in_days: 30 }, 'once it completes, the status shows its cooldown')
  const cooled = await upload(late, { filename: 'again.csv', content: TINY_CATALOG }, h)
  t.same([cooled.statusCode, cooled.json().detail?.error, cooled.json().detail?.job_id], [409, 'ALREADY_COMPLETED', lateId], `the cooldown holds: ${cooled.body}`)
})

t.test('rows whose created_at disagrees with their order: the running install and the cooldown still decide', async (t) => {
  // Rows written before created_at was taken under the lock can be out of order: a processing (or
  // completed) install older by created_at than a failed one.
  const shopId = 'skewed-rows.myshopify.com'
  const h = shop('skewed-rows')
  const runningId = crypto.randomUUID()
  const failedId = crypto.randomUUID()
  await app.db.executeSql(`insert into csv_uploads (id, shop_id, filename, status, processing_params, created_at, updated_at)
    values ($1, $2, 'quick_install_x.csv', 'processing', '{}'::jsonb, now() - interval '1 minute', now())`, [runningId, shopId])
  await app.db.executeSql(`insert into csv_uploads (id, shop_id, filename, status, error_message, processing_params, created_at, updated_at)
    values ($1, $2, 'quick_install_y.csv', 'failed', 'engine error', '{}'::jsonb, now(), now())`, [failedId, shopId])
  const status = async (): Promise<Record<string, unknown>> => (await app.inject({ url: '/api/bundles/quick-install/status', headers: h })).json()
  t.match(await status(), { job_id: runningId, status: 'PROCESSING', can_run: false }, 'the status shows the processing install')
  const busy = await upload(app, { filename: 'a.csv', content: TINY_CATALOG }, h)
  t.same([busy.statusCode, busy.json().detail?.error, busy.json().detail?.job_id], [409, 'ALREADY_PROCESSING', runningId], `not a 500: ${busy.body}`)

  await app.db.executeSql("update csv_uploads set status = 'completed', processed_rows = 2, completed_at = now() - interval '2 days' where id = $1", [runningId])
  t.match(await status(), { job_id: runningId, status: 'COMPLETED', can_run: false, can_retry_in_days: 28 }, 'the completed install holds the cooldown')
  const cooled = await upload(app, { filename: 'a.csv', content: TINY_CATALOG }, h)
  t.same([cooled.statusCode, cooled.json().detail?.error, cooled.json().detail?.job_id], [409, 'ALREADY_COMPLETED', runningId], `the cooldown is not bypassed: ${cooled.body}`)
  t.match(await counts(shopId), { uploads: 2, jobs: 0 }, 'nothing was added')

  await app.db.executeSql("update csv_uploads set completed_at = now() - interval '31 days' where id = $1", [runningId])
  t.match(await status(), { job_id: failedId, status: 'FAILED', can_run: true }, 'after the cooldown the newest upload shows again')
})

t.test('an insert refused by the one-processing-row index is a 409, whatever the newest row is', async (t) => {
  // The shop's lock normally stops a second install before the index has to. Should the index refuse
  // the insert anyway (a writer that skipped the lock), the answer is 409 ALREADY_PROCESSING, not a 500,
  // even when the shop's newest row is a failed install. The refusal is injected with a trigger.
  const shopId = 'index-guard.myshopify.com'
  const failedId = crypto.randomUUID()
  await app.db.executeSql(`insert into csv_uploads (id, shop_id, filename, status, error_message, processing_params)
    values ($1, $2, 'x.csv', 'failed', 'engine error', '{}'::jsonb)`, [failedId, shopId])
  await app.db.executeSql(`create or replace function test_refuse_second_install() returns trigger language plpgsql as $$
    begin
      if new.shop_id = '${shopId}' then
        raise exception 'duplicate key value violates unique constraint "csv_uploads_one_processing_per_shop"'
          using errcode = 'unique_violation', constraint = 'csv_uploads_one_processing_per_shop';
      end if;
      return new;
    end $$`)
  await app.db.executeSql('create trigger test_refuse_second_install before insert on csv_uploads for each row execute function test_refuse_second_install()')
  t.teardown(async () => { await app.db.executeSql('drop trigger if exists test_refuse_second_install on csv_uploads') })
  const res = await upload(app, { filename: 'a.csv', content: TINY_CATALOG }, shop('index-guard'))
  t.same([res.statusCode, res.json().detail?.error], [409, 'ALREADY_PROCESSING'], `the unique violation is answered 409: ${res.body}`)
  t.match(await counts(shopId), { uploads: 1, jobs: 0 }, 'nothing kept')
})
