// Errors the engine raises for inputs it cannot turn into bundles. The message is written for the
// merchant (it ends up in the API's `detail` or the upload's error_message); `code` is for programs.

export type EngineInputErrorCode =
  | 'EMPTY_FILE' // no bytes, or no data rows under the header
  | 'UNRECOGNISED_FORMAT' // header matches no known layout
  | 'MOSTLY_INVALID' // too many unreadable rows
  | 'NOT_TEXT' // binary, invalid UTF-8, UTF-16, ...
  | 'MALFORMED_CSV' // unterminated quote, a field or record past the size limits
  | 'NO_BUNDLES' // readable, but nothing worth recommending (message says why)

export class EngineInputError extends Error {
  override readonly name = 'EngineInputError'
  constructor (
    readonly code: EngineInputErrorCode,
    message: string,
    /** Machine-readable particulars, e.g. { found: [...], expected: {...} } for UNRECOGNISED_FORMAT. */
    readonly details: Record<string, unknown> = {}
  ) {
    super(message)
  }
}

export function isEngineInputError (err: unknown): err is EngineInputError {
  return err instanceof Error && (err as { name?: string }).name === 'EngineInputError' && 'code' in err
}
