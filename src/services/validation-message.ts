// The words of a 400 for a request that failed its route schema: Fastify's own ("querystring/sort
// must be equal to one of the allowed values"), plus the allowed values themselves, so the caller
// learns what was expected and not only that it was wrong.
import type { FastifySchemaValidationError, SchemaErrorDataVar } from 'fastify/types/schema.js'

export function validationError (errors: FastifySchemaValidationError[], dataVar: SchemaErrorDataVar): Error {
  return new Error(errors.map(e => `${dataVar}${e.instancePath} ${e.message ?? 'is invalid'}${allowed(e)}`).join(', '))
}

function allowed (e: FastifySchemaValidationError): string {
  const values = (e.params as { allowedValues?: unknown }).allowedValues
  return e.keyword === 'enum' && Array.isArray(values) ? `: ${values.map(v => JSON.stringify(v)).join(', ')}` : ''
}
