// Drives PrivateRag's OpenAI-compatible /v1 with the official openai client and prints one JSON report for the
// xunit test (OpenAiNodeClientTests) to check.
// usage: node openai-client.mjs BASE_URL KEY READABLE_MODEL QUESTION FORBIDDEN_MODEL
import OpenAI from "openai";

const [baseUrl, apiKey, model, question, forbidden] = process.argv.slice(2);
const client = new OpenAI({ baseURL: new URL("/v1", baseUrl).toString(), apiKey, maxRetries: 0, timeout: 180_000 });

const report = {};
const models = await client.models.list();
report.models = models.data.map((m) => m.id);

const completion = await client.chat.completions.create({
  model,
  messages: [
    { role: "system", content: "You are a helpful assistant." },
    { role: "user", content: question },
  ],
});
report.completion = {
  content: completion.choices[0].message.content,
  finish: completion.choices[0].finish_reason,
  citations: completion.citations ?? null,
};

const stream = await client.chat.completions.create({ model, stream: true, messages: [{ role: "user", content: question }] });
let streamed = "";
let chunks = 0;
let finish = null;
let citations = null;
for await (const chunk of stream) {
  chunks++;
  streamed += chunk.choices[0]?.delta?.content ?? "";
  finish = chunk.choices[0]?.finish_reason ?? finish;
  citations = chunk.citations ?? citations;
}
report.stream = { content: streamed, chunks, finish, citations };

async function status(m) {
  try {
    await client.chat.completions.create({ model: m, messages: [{ role: "user", content: question }] });
    return { status: 200 };
  } catch (e) {
    return { status: e.status ?? null, message: String(e.message ?? e).slice(0, 300), code: e.code ?? null };
  }
}
report.forbidden = await status(forbidden);
report.unknown = await status("no-such-collection");
console.log(JSON.stringify(report));
