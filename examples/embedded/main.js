#!/usr/bin/env node
// Switchyard in-process: the gateway's routing, profiles and translation with no HTTP hop.
import { createSwitchyard } from '@switchyard/gateway';

const switchyard = await createSwitchyard({
  logger: false,
  config: {
    backends: [{ id: 'local', type: 'mock', output_tokens: 8, models: ['mock'] }],
    // A virtual model: the name callers use, its real model and a parameter profile.
    routes: [{ virtual_model: 'assistant', backend: 'local', real_model: 'mock', defaults: { temperature: 0.2 } }],
  },
});

try {
  const reply = await switchyard.chat.completions.create({
    model: 'assistant',
    messages: [{ role: 'user', content: 'Say hello' }],
  });
  console.log(`chat: ${reply.choices[0].message.content} (model ${reply.model}, ${reply.usage.completion_tokens} tokens)`);

  const stream = await switchyard.chat.completions.create({
    model: 'assistant',
    stream: true,
    messages: [{ role: 'user', content: 'Stream a reply' }],
  });
  const pieces = [];
  for await (const chunk of stream) {
    const piece = chunk.choices[0]?.delta?.content;
    if (piece) pieces.push(piece);
  }
  console.log(`stream: ${pieces.length} chunks: ${pieces.join('')}`);

  // The same virtual model through the Anthropic Messages API: translated to the mock and back.
  const message = await switchyard.messages.create({
    model: 'assistant',
    max_tokens: 64,
    messages: [{ role: 'user', content: 'And in Anthropic format?' }],
  });
  console.log(`messages: ${message.content[0].text} (stop_reason ${message.stop_reason})`);

  const models = await switchyard.models.list({ refresh: true });
  console.log(`models: ${models.data.map((m) => m.id).join(', ')}`);
} finally {
  await switchyard.close();
}
