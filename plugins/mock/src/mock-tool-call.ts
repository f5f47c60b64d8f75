/** The tool call the mock makes: to the request's first tool, with fixed JSON arguments. */
export interface MockToolCall {
  readonly id: string;
  readonly name: string;
  /** The arguments as a JSON text. */
  readonly arguments: string;
  /** `arguments` cut into token-like pieces (words and runs of punctuation) for streaming. */
  readonly pieces: readonly string[];
}

const WEATHER = /\bweather\b/i;

function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: unknown; content?: unknown } | null;
    if (!m || m.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.content)) {
      let text = '';
      for (const part of m.content) {
        const t = (part as { text?: unknown } | null)?.text;
        if (typeof t === 'string') text += t + ' ';
      }
      return text;
    }
    return '';
  }
  return '';
}

interface ToolShape {
  name?: unknown;
  parameters?: unknown;
  function?: { name?: unknown; parameters?: unknown };
}

/**
 * The arguments for a tool: `{"location":"Paris"}`, unless the tool's JSON schema declares
 * properties without `location` (then its first property gets "Paris") or none at all (`{}`).
 */
function argumentsFor(parameters: unknown): string {
  const props = (parameters as { properties?: unknown } | null | undefined)?.properties;
  if (typeof props !== 'object' || props === null) return '{"location":"Paris"}';
  const keys = Object.keys(props);
  if (keys.length === 0) return '{}';
  const key = keys.includes('location') ? 'location' : keys[0]!;
  return JSON.stringify({ [key]: 'Paris' });
}

const PIECE = /[A-Za-z0-9_]+|[^A-Za-z0-9_]+/g;

/**
 * A tool call when the chat request offers tools (and does not forbid them with
 * `tool_choice: "none"`) and the last user message mentions "weather"; otherwise null.
 */
export function pickMockToolCall(body: Record<string, unknown>, id: string): MockToolCall | null {
  const tools = body.tools;
  if (!Array.isArray(tools) || tools.length === 0 || body.tool_choice === 'none') return null;
  if (!WEATHER.test(lastUserText(body.messages))) return null;
  const tool = tools[0] as ToolShape | null;
  const fn = tool?.function ?? tool;
  const name = typeof fn?.name === 'string' ? fn.name : 'get_weather';
  const args = argumentsFor(fn?.parameters);
  return { id: 'call_' + id, name, arguments: args, pieces: args.match(PIECE) ?? [args] };
}
