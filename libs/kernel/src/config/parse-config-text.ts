import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import { parse as parseToml } from 'smol-toml';
import { ConfigError } from './config-error.js';

export type ConfigFormat = 'yaml' | 'toml' | 'json';

const FORMATS: Record<string, ConfigFormat> = { '.yaml': 'yaml', '.yml': 'yaml', '.toml': 'toml', '.json': 'json' };

/** The format a config file is written in, by its extension. */
export function configFormatOf(file: string): ConfigFormat {
  const format = FORMATS[extname(file).toLowerCase()];
  if (!format) {
    throw new ConfigError(`${file}: unsupported file type "${extname(file)}": expected .yaml, .yml, .toml or .json`);
  }
  return format;
}

/** First line of a library's message, without its own " at line X, column Y" suffix. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? '').replace(/:\s*$/, '').replace(/ at line \d+, column \d+$/, '');
}

function parseYaml(text: string, file: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, merge: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return `${file}:${pos ? `${pos.line}:${pos.col}:` : ''} YAML syntax error: ${firstLine(e.message)}`;
      }),
    );
  }
  return doc.toJS({ maxAliasCount: 1000 });
}

function parseTomlText(text: string, file: string): unknown {
  try {
    return parseToml(text);
  } catch (err) {
    const e = err as { message?: string; line?: number; column?: number };
    const where = typeof e.line === 'number' ? `${e.line}:${e.column ?? 1}:` : '';
    const what = firstLine(e.message ?? String(err)).replace(/^Invalid TOML document:\s*/, '');
    throw new ConfigError(`${file}:${where} TOML syntax error: ${what}`);
  }
}

function lineAndColumn(text: string, offset: number): [number, number] {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return [lines.length, (lines.at(-1)?.length ?? 0) + 1];
}

/** Where V8's JSON.parse failed: "(line L column C)", "position N", or the quoted context. */
function jsonErrorPosition(text: string, message: string): [number, number] | null {
  const lc = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lc) return [Number(lc[1]), Number(lc[2])];
  const pos = /at position (\d+)/.exec(message);
  if (pos) return lineAndColumn(text, Number(pos[1]));
  // Unexpected token 's', ..."api_key": sk-lit"... is not valid JSON (up to 10 characters either side)
  const ctx = /^Unexpected token '(.)', (\.\.\.)?"(.*)"(?:\.\.\.)? is not valid JSON$/s.exec(message);
  if (ctx) {
    const snippet = ctx[3]!;
    const at = text.indexOf(snippet);
    if (at >= 0) {
      const skip = ctx[2] ? Math.min(10, snippet.length - 1) : 0;
      const tokenAt = snippet.indexOf(ctx[1]!, skip);
      return lineAndColumn(text, at + Math.max(0, tokenAt));
    }
  }
  if (/end of JSON input/.test(message)) return lineAndColumn(text, text.length);
  return null;
}

function parseJson(text: string, file: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const pos = jsonErrorPosition(text, message);
    // V8 quotes the text around the error; it may hold a literal key, so it is left out.
    const what = message
      .replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, '')
      .replace(/ in JSON at position \d+(?: \(line \d+ column \d+\))?/, '')
      .replace(/^"(.*)" is not valid JSON$/s, 'not valid JSON');
    throw new ConfigError(`${file}:${pos ? `${pos[0]}:${pos[1]}:` : ''} JSON syntax error: ${what}`);
  }
}

/**
 * Parse a config file's text into plain data. Syntax errors are ConfigErrors naming the file,
 * line and column (`config.yaml:3:5: YAML syntax error: …`). Empty text gives null or `{}`.
 */
export function parseConfigText(text: string, file: string, format: ConfigFormat = configFormatOf(file)): unknown {
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  switch (format) {
    case 'yaml':
      return parseYaml(clean, file);
    case 'toml':
      return parseTomlText(clean, file);
    case 'json':
      return parseJson(clean, file);
  }
}
