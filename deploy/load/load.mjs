// A small load generator for the Docker Compose demo (`docker compose --profile load up`): a
// steady mix of streamed and non-streamed chat requests to the demo's virtual models, with a few
// errors (an unknown model → 404, an invalid body → 400 from the backend) and a few clients that
// hang up mid-stream (499), so every panel of the Switchyard dashboard has data.
//
//   SWITCHYARD_URL=http://localhost:4000 LOAD_RPS=4 node deploy/load/load.mjs

/* global fetch, AbortController, setInterval, clearTimeout */

const base = (process.env.SWITCHYARD_URL ?? 'http://localhost:4000').replace(/\/+$/, '');
const rps = Math.max(0.1, Number(process.env.LOAD_RPS ?? 4));
const key = process.env.SWITCHYARD_API_KEY;

const PROMPTS = [
  'Write a haiku about trains.',
  'Explain backpressure in one paragraph.',
  'Summarise: the gateway routes, shapes and measures.',
];
const pick = (list) => list[Math.floor(Math.random() * list.length)];

function scenario() {
  const r = Math.random();
  if (r < 0.03) return { model: 'no-such-model', stream: false }; // 404, gen_ai_request_model="_OTHER"
  if (r < 0.05) return { model: 'chat', stream: false, messages: [] }; // 400 from the backend: an upstream error
  if (r < 0.08) return { model: 'coder', stream: true, abortAfterMs: 300 }; // the client hangs up: 499
  return { model: pick(['chat', 'chat', 'coder', 'summarizer']), stream: Math.random() < 0.6 };
}

async function once() {
  const s = scenario();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), s.abortAfterMs ?? 60_000);
  try {
    const res = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ model: s.model, stream: s.stream, messages: s.messages ?? [{ role: 'user', content: pick(PROMPTS) }] }),
      signal: controller.signal,
    });
    // Read the whole body (a stream token by token) like a real client.
    for await (const _chunk of res.body ?? []) void _chunk;
    return res.status;
  } catch (err) {
    return err?.name === 'AbortError' ? 499 : `error: ${err?.cause?.code ?? err?.message}`;
  } finally {
    clearTimeout(timer);
  }
}

const counts = new Map();
setInterval(() => {
  console.log(`load: ${[...counts].map(([k, v]) => `${k}×${v}`).join(' ') || 'no replies yet'}`);
  counts.clear();
}, 10_000);

console.log(`load: ${rps} requests/s to ${base}`);
setInterval(() => {
  void once().then((status) => counts.set(status, (counts.get(status) ?? 0) + 1));
}, 1000 / rps);
