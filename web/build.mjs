// Placeholder until the merchant page lands: makes sure dist/public exists.
import fs from 'node:fs'
fs.mkdirSync(new URL('../dist/public/', import.meta.url), { recursive: true })
