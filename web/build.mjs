// Builds the merchant page into dist/public: type-checks web/ (browser lib), bundles web/src/main.ts
// with esbuild, and copies the static HTML and CSS. Run by `npm run build` after tsc.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'

const web = fileURLToPath(new URL('.', import.meta.url))
const out = fileURLToPath(new URL('../dist/public/', import.meta.url))

// esbuild strips types without checking them; the page's types are checked here, so a wrong field
// name fails the build instead of the browser.
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
try {
  execFileSync(process.execPath, [tsc, '-p', `${web}tsconfig.json`], { stdio: 'inherit' })
} catch {
  console.error('web/build.mjs: the page does not type-check (see above)')
  process.exit(1)
}

fs.mkdirSync(out, { recursive: true })

// Each file is written beside its place and renamed over it, so a server reading dist/public while
// the page is rebuilt never sees a missing or half-written file.
function writeAtomic (file, contents) {
  const tmp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(tmp, contents)
  fs.renameSync(tmp, file)
}

const result = await esbuild.build({
  entryPoints: [`${web}src/main.ts`],
  outfile: `${out}main.js`,
  bundle: true,
  format: 'esm',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  write: false
})
for (const file of result.outputFiles) writeAtomic(file.path, file.contents)
for (const file of ['index.html', 'styles.css']) writeAtomic(`${out}${file}`, fs.readFileSync(`${web}${file}`))
