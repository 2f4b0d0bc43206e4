// Finds the project root (the folder holding package.json) from this file, so db/migrations is found
// both from the TypeScript sources (db/) and from the compiled output (dist/db/).
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export function projectRoot (): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'db', 'migrations'))) return dir
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error('Cannot find the project root (a folder with package.json and db/migrations) above ' + fileURLToPath(import.meta.url))
    dir = parent
  }
}

export const migrationsFolder = (): string => path.join(projectRoot(), 'db', 'migrations')
