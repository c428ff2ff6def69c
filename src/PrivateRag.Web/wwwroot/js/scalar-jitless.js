// Loaded before Scalar's bundle on /admin/api. Zod 4 (inside the bundle) tests whether it may compile parsers with
// Function('') unless its global config says "jitless"; under this app's CSP (no 'unsafe-eval') that test is a blocked
// eval. Zod parses the same without compiling, so tell it up front and the page never attempts an eval.
globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig ?? {}, { jitless: true });
