// Drives PrivateRag's /mcp with the official MCP TypeScript SDK client, as each user given in the arguments, and
// prints one JSON report for the xunit test (McpNodeClientTests) to check.
// usage: node mcp-client.mjs BASE_URL '{"alice":{"key":"...","query":"..."},...}' REVOKED_KEY
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [baseUrl, usersJson, revokedKey] = process.argv.slice(2);
const endpoint = new URL("/mcp", baseUrl);

async function connect(key) {
  const headers = key ? { Authorization: `Bearer ${key}` } : {};
  const client = new Client({ name: "privaterag-node-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(endpoint, { requestInit: { headers } }));
  return client;
}

const text = (result) => ({
  isError: result.isError === true,
  text: (result.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("\n"),
});

async function refused(key) {
  try {
    const client = await connect(key);
    const result = await client.callTool({ name: "search", arguments: { query: "salary" } });
    await client.close();
    return { refused: false, detail: JSON.stringify(result).slice(0, 500) };
  } catch (e) {
    return { refused: true, detail: String(e?.message ?? e).slice(0, 300) };
  }
}

const report = { users: {} };
for (const [name, user] of Object.entries(JSON.parse(usersJson))) {
  const client = await connect(user.key);
  const tools = await client.listTools();
  report.tools ??= tools.tools.map((t) => ({ name: t.name, description: t.description, schema: t.inputSchema }));
  report.users[name] = {
    collections: text(await client.callTool({ name: "list_collections", arguments: {} })),
    search: text(await client.callTool({ name: "search", arguments: { query: user.query } })),
    ask: text(await client.callTool({ name: "ask", arguments: { question: `What is the ${user.query}?` } })),
    probes: [],
  };
  for (const probe of user.probes ?? []) {
    report.users[name].probes.push(text(await client.callTool({ name: "search", arguments: { query: probe, top: 10 } })));
    report.users[name].probes.push(text(await client.callTool({ name: "ask", arguments: { question: `Quote ${probe} exactly.` } })));
  }
  await client.close();
}
report.anonymous = await refused(null);
report.revoked = await refused(revokedKey);
console.log(JSON.stringify(report));
