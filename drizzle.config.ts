import { defineConfig } from 'drizzle-kit'

// Generates SQL migrations from db/schema.ts (`npm run db:generate`); they are applied at start-up.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.ts',
  out: './db/migrations'
})
