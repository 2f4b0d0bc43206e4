// The engine end to end: ingest → mine → rank → price, with milliseconds per stage.
import { ingest } from './ingest/index.js'
import { buildBundleList } from './bundles/index.js'
import type { EngineOptions, EngineResult, IngestResult, RunSummary } from './types.js'

export async function runEngine (source: AsyncIterable<Uint8Array>, options: EngineOptions = {}): Promise<EngineResult> {
  const t0 = performance.now()
  const ingested = await ingest(source, options.maxBadRowShare === undefined ? {} : { maxBadRowShare: options.maxBadRowShare })
  const ingestMs = performance.now() - t0
  return buildBundles(ingested, options, ingestMs)
}

/** Bundles from an already ingested file. `ingestMs` defaults to the ingest summary's own timing. */
export function buildBundles (ingested: IngestResult, options: EngineOptions = {}, ingestMs = ingested.summary.ms_ingest): EngineResult {
  const built = buildBundleList(ingested, options)
  const bundles = { FBT: 0, VOLUME: 0 }
  for (const b of built.bundles) bundles[b.type]++
  const ms = {
    ingest: round1(ingestMs),
    mine: round1(built.ms.mine),
    rank: round1(built.ms.rank),
    price: round1(built.ms.price),
    total: round1(ingestMs + built.ms.mine + built.ms.rank + built.ms.price)
  }
  const { ms_ingest: _ownTiming, ...fromIngest } = ingested.summary
  const summary: RunSummary = { ...fromIngest, bundles, ms, options: built.options }
  return { summary, bundles: built.bundles }
}

function round1 (x: number): number {
  return Math.round(x * 10) / 10
}
