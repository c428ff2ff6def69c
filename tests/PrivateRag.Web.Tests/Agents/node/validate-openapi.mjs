// Validates an OpenAPI document against the specification's own JSON schema (@seriousme/openapi-schema-validator)
// and prints one JSON line for the xunit test (OpenApiDocumentTests).
// usage: node validate-openapi.mjs FILE.json
import { readFile } from "node:fs/promises";
import { Validator } from "@seriousme/openapi-schema-validator";

const document = JSON.parse(await readFile(process.argv[2], "utf8"));
const validator = new Validator();
const result = await validator.validate(document);
console.log(JSON.stringify({ valid: result.valid, version: validator.version ?? null, errors: result.errors ?? null }));
