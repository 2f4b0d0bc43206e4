// The upload row and its job are one transaction, and one shop runs one install at a time even when
// 50 uploads race. Faults are injected with database triggers, so the real code path fails for real.
import t from 'tap'
import { startTestApp } from '../helpers/app.js'
import { TINY_CATALOG, upload } from '../helpers/http.js'

// No workers: uploads stay PROCESSING, so what we count is exactly what the upload path wrote.
const { app } = await startTestApp(t, {}, { workers: false })
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
  const staged = (await app.db.executeSql('select count(distinct upload_id)::int as n from upload_chunks')).rows[0].n
  t.equal(staged, 2, 'only the two running uploads (this one and the earlier test\'s) keep their bytes')
})

t.test('the database itself refuses a second processing upload for a shop', async (t) => {
  const insert = async (id: string): Promise<unknown> => await app.db.executeSql(
    "insert into csv_uploads (id, shop_id, filename, status, processing_params) values ($1, 'guard.myshopify.com', 'x.csv', 'processing', '{}'::jsonb)", [id])
  await insert(crypto.randomUUID())
  await t.rejects(insert(crypto.randomUUID()), /csv_uploads_one_processing_per_shop/, 'partial unique index')
})
