// Realistic shop exports from ../shared/tools/gen-shop.mjs (beside the repository), cached under os.tmpdir().
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { projectRoot } from '../../db/project-root.js'

export type ShopFormat = 'shopify-orders' | 'shopify-graphql' | 'generic' | 'shopify-products'

export function generatedShop (orders: number, format: ShopFormat = 'generic', seed = 7): string {
  const out = path.join(os.tmpdir(), `bundle-api-shop-${format}-${orders}-${seed}.csv`)
  if (!fs.existsSync(out)) {
    const tmp = `${out}.${process.pid}.tmp`
    execFileSync(process.execPath, [path.join(projectRoot(), '..', 'shared', 'tools', 'gen-shop.mjs'),
      '--orders', String(orders), '--seed', String(seed), '--format', format, '--out', tmp, '--truth', `${tmp}.truth.json`])
    fs.renameSync(tmp, out)
    fs.rmSync(`${tmp}.truth.json`, { force: true })
  }
  return out
}

export const readShop = (orders: number, format: ShopFormat = 'generic', seed = 7): Buffer => fs.readFileSync(generatedShop(orders, format, seed))
