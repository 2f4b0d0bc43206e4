// A test that needs something outside the repository (Chromium, ../shared/tools) skips without it on a
// developer's machine, but on CI (the CI variable set, as CI services set it) a missing prerequisite is
// a failure: a green CI run must have run every test.

/** Whether this run is CI's: CI set to anything but empty, "0" or "false". */
export function onCI (): boolean {
  const value = (process.env.CI ?? '').trim().toLowerCase()
  return value !== '' && value !== '0' && value !== 'false'
}

/**
 * The `skip` option for a test whose prerequisite may be missing (`missing`: why, or false when it is
 * there). Missing on CI: also fails `t` with the reason, so the run is red instead of silently short.
 */
export function skipUnlessCI (t: { fail: (message: string) => unknown }, missing: string | false): string | false {
  if (missing !== false && onCI()) t.fail(`${missing}, and CI is set (CI=${process.env.CI ?? ''}): CI must run this test, so it fails instead of skipping`)
  return missing
}
