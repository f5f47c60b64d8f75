/**
 * A request the size and shape of a Claude Code turn (about 88 KB): a long system prompt, two
 * dozen tool definitions with JSON schemas and a few earlier turns, in the Anthropic Messages, the
 * OpenAI chat or the Responses shape. The text is filler; what matters to a gateway is the size
 * and the structure it parses, validates, translates and re-serialises.
 */
import type { ClientProtocol } from './scenarios.js';

const TOOLS = 24;

/** `n` characters of lorem ipsum. */
export function filler(n: number): string {
  const words = 'lorem ipsum dolor sit amet consectetur adipiscing elit ';
  return words.repeat(Math.ceil(n / words.length)).slice(0, n);
}

interface ToolSpec {
  name: string;
  description: string;
  schema: Record<string, unknown>;
}

function toolSpecs(descriptionChars: number): ToolSpec[] {
  return Array.from({ length: TOOLS }, (_, i) => ({
    name: `tool_${i}`,
    description: filler(descriptionChars),
    schema: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'The absolute path of the file' },
        pattern: { type: 'string', description: 'A glob or regular expression' },
        limit: { type: 'integer', description: 'How many lines to read' },
        options: { type: 'object', properties: { recursive: { type: 'boolean' } }, additionalProperties: false },
      },
      required: ['path'],
      additionalProperties: false,
    },
  }));
}

const TURNS = [
  { role: 'user', content: 'Find where the request body is parsed and explain it.' },
  { role: 'assistant', content: 'I will look at the HTTP layer first.' },
  { role: 'user', content: 'Write a short reply for the Switchyard benchmark.' },
];

function shaped(client: ClientProtocol, model: string, stream: boolean, system: string, tools: ToolSpec[]): object {
  const s = stream ? { stream: true } : {};
  if (client === 'anthropic.messages') {
    return {
      model,
      max_tokens: 64,
      system: [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }],
      tools: tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.schema })),
      messages: TURNS,
      ...s,
    };
  }
  if (client === 'openai.responses') {
    return {
      model,
      instructions: system,
      tools: tools.map((t) => ({ type: 'function', name: t.name, description: t.description, parameters: t.schema })),
      input: TURNS,
      ...s,
    };
  }
  return {
    model,
    messages: [{ role: 'system', content: system }, ...TURNS],
    tools: tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.schema } })),
    ...s,
  };
}

/** The body in `client`'s shape, `bytes` long give or take a few bytes: 2/3 system prompt, 1/3 tools. */
export function claudeCodeSizedBody(client: ClientProtocol, model: string, stream: boolean, bytes: number): Buffer {
  const bare = Buffer.byteLength(JSON.stringify(shaped(client, model, stream, '', toolSpecs(0))));
  const room = Math.max(0, bytes - bare);
  const perTool = Math.floor(room / 3 / TOOLS);
  const system = Math.max(0, room - perTool * TOOLS);
  return Buffer.from(JSON.stringify(shaped(client, model, stream, filler(system), toolSpecs(perTool))));
}
