// npm run bench: the engine's figures in one run, each next to a named peer where there is one.
//   - ingest: MB/s of the engine and of fast-csv on the same 1,000,000-line Shopify export (bench/ingest.ts)
//   - mining: the engine against node-fpgrowth on retail.dat at min support 45 (bench/mining.ts)
//   - end to end: time and peak RSS for generated 100k- and 1M-line Shopify exports, each run in its
//     own child process (so peak RSS is that run's alone), inline and through runEngineInWorker
// and writes the figures to bench/results.md.
import { execFileSync } from 'node:child_process'
import { createReadStream, existsSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { benchIngest } from './ingest.js'
import { benchMining } from './mining.js'

const SELF = fileURLToPath(import.meta.url)
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const GEN_SHOP = fileURLToPath(new URL('../../shared/tools/gen-shop.mjs', import.meta.url))
const RESULTS = fileURLToPath(new URL('./results.md', import.meta.url))
const SHOPS = [
  { label: '100k lines', file: '/tmp/bench-shop-100k.csv', orders: 46500 },
  { label: '1M lines', file: '/tmp/bench-shop-1m.csv', orders: 465000 }
]

interface EndToEnd { ms: number, peakRssMB: number, lines: number, orders: number, bundles: number, stages: Record<string, number> }

function ensureShop (shop: { file: string, orders: number }): void {
  if (existsSync(shop.file)) return
  process.stdout.write(`generating ${shop.file} (gen-shop --orders ${shop.orders}) ...\n`)
  execFileSync(process.execPath, [GEN_SHOP, '--orders', String(shop.orders), '--seed', '1', '--format', 'shopify-orders', '--out', shop.file], { stdio: 'inherit' })
}

function endToEnd (file: string, mode: 'inline' | 'worker'): EndToEnd {
  const out = execFileSync(process.execPath, ['--import', 'tsx', SELF, '--e2e', mode, file], { encoding: 'utf8', cwd: ROOT, maxBuffer: 1 << 20 })
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as EndToEnd
}

async function e2eChild (mode: string, file: string): Promise<void> {
  const { runEngine, runEngineInWorker } = await import('../src/engine/index.js')
  const started = performance.now()
  const source = createReadStream(file, { highWaterMark: 1 << 20 })
  const result = mode === 'worker' ? await runEngineInWorker(source) : await runEngine(source)
  const ms = performance.now() - started
  // maxRSS covers the whole process, worker thread included.
  process.stdout.write(JSON.stringify({
    ms, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), lines: result.summary.rows_read, orders: result.summary.orders_used,
    bundles: result.bundles.length, stages: result.summary.ms
  }) + '\n')
}

async function main (): Promise<void> {
  for (const shop of SHOPS) ensureShop(shop)
  // The machine is shared: the load says how much the absolute times may be inflated (ratios are same-run).
  const load = os.loadavg().map(x => x.toFixed(1)).join(' / ')
  const big = SHOPS[1]
  const sizeMB = statSync(big.file).size / 1e6

  process.stdout.write('ingest (engine vs fast-csv, same file, separate child processes) ...\n')
  const ingest = await benchIngest(big.file)
  process.stdout.write(`  engine ${ingest.engineMBs} MB/s, fast-csv ${ingest.fastCsvMBs} MB/s, ratio ${ingest.ratio}x\n`)

  process.stdout.write('mining retail.dat at min support 45 (engine vs node-fpgrowth, same process) ...\n')
  const mining = await benchMining()
  process.stdout.write(`  engine ${mining.engineMs.toFixed(0)} ms (sizes 2-3), ${mining.engineMaxSize4Ms.toFixed(0)} ms (sizes 2-4); node-fpgrowth ${mining.fpgrowthMs.toFixed(0)} ms; ratio ${mining.ratio.toFixed(1)}x; counts ${mining.counts.join(' / ')} identical\n`)

  const e2e: Array<{ label: string, mode: string, r: EndToEnd }> = []
  for (const shop of SHOPS) {
    for (const mode of ['inline', 'worker'] as const) {
      process.stdout.write(`end to end, ${shop.label}, ${mode} ...\n`)
      const r = endToEnd(shop.file, mode)
      e2e.push({ label: shop.label, mode, r })
      process.stdout.write(`  ${(r.ms / 1000).toFixed(2)} s, peak RSS ${r.peakRssMB} MB, ${r.lines} lines, ${r.orders} orders, ${r.bundles} bundles\n`)
    }
  }

  const md = [
    '# Benchmark results',
    '',
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}; load average at start ${load} (shared machine: absolute times vary with it, the ratios are measured side by side in the same run).`,
    '',
    '## Ingest: engine vs fast-csv (same file, same run)',
    '',
    `File: ${big.file}, ${sizeMB.toFixed(0)} MB Shopify orders export (gen-shop --orders ${big.orders} --seed 1).`,
    '',
    '| | MB/s |',
    '|---|---|',
    `| engine (parse, map, clean, pack) | ${ingest.engineMBs} |`,
    `| fast-csv (parse only) | ${ingest.fastCsvMBs} |`,
    `| **ratio** | **${ingest.ratio}×** (goal ≥ 10×) |`,
    '',
    `Engine ingest peak RSS: ${ingest.peakRssMB} MB.`,
    '',
    '## Mining: engine vs node-fpgrowth (retail.dat, 88,162 baskets, min support 45, same process)',
    '',
    `Frequent itemsets of size 2 / 3 / 4: ${mining.counts.join(' / ')} (identical in both; ../shared/data/README.md: 8,198 / 5,411 / 1,534).`,
    '',
    '| | ms |',
    '|---|---|',
    `| engine, sizes 2–3 (median of 3) | ${mining.engineMs.toFixed(0)} |`,
    `| engine, sizes 2–4 (median of 3) | ${mining.engineMaxSize4Ms.toFixed(0)} |`,
    `| node-fpgrowth (mines every size; it cannot stop at 3) | ${mining.fpgrowthMs.toFixed(0)} |`,
    `| **ratio** (node-fpgrowth / engine sizes 2–3) | **${mining.ratio.toFixed(1)}×** (goal ≥ 10×) |`,
    '',
    '## End to end (ingest → mine → rank → price), one child process per run',
    '',
    '| file | mode | lines | orders used | bundles | time (s) | peak RSS (MB) | ms ingest / mine / rank / price |',
    '|---|---|---|---|---|---|---|---|',
    ...e2e.map(({ label, mode, r }) => `| ${label} | ${mode === 'worker' ? 'runEngineInWorker' : 'runEngine'} | ${r.lines} | ${r.orders} | ${r.bundles} | ${(r.ms / 1000).toFixed(2)} | ${r.peakRssMB} | ${[r.stages.ingest, r.stages.mine, r.stages.rank, r.stages.price].map(x => Math.round(x)).join(' / ')} |`),
    '',
    'Goal: peak RSS under 400 MB for the 1,000,000-line export (the whole process, worker thread included).',
    ''
  ].join('\n')
  writeFileSync(RESULTS, md)
  process.stdout.write(`\nwrote ${RESULTS}\n`)
}

if (process.argv[2] === '--e2e') await e2eChild(process.argv[3], process.argv[4])
else await main()
