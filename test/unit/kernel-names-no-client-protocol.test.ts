/**
 * The kernel switches on no client protocol: where a system prompt goes, which content is media, the
 * gen_ai.operation.name, stream detection, usage, errors and thinking are each protocol's codec hooks. A client
 * protocol's id as a string literal in libs/kernel/src (`'openai.chat'`, `"anthropic.messages"`, …) would mean a
 * body shape or a rule coming back into the kernel. The ids themselves are listed once, in the plugin SDK's
 * protocol.ts (PROTOCOLS, CLIENT_ENDPOINTS); comments may name them.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const KERNEL_SRC = fileURLToPath(new URL('../../../libs/kernel/src', import.meta.url));
const PROTOCOL_LITERAL = /(['"`])(?:openai\.(?:chat|responses|completions|embeddings)|anthropic\.messages)\1/g;

/** The client-protocol ids a source text holds as string literals. */
export function protocolLiterals(text: string): string[] {
  return text.match(PROTOCOL_LITERAL) ?? [];
}

describe('the kernel names no client protocol in its code', () => {
  it('finds quoted ids, not ids in prose', () => {
    assert.deepEqual(protocolLiterals('case \'openai.chat\': if (p === "anthropic.messages") `openai.responses`'), [
      "'openai.chat'",
      '"anthropic.messages"',
      '`openai.responses`',
    ]);
    assert.deepEqual(protocolLiterals('/** The client protocol (openai.chat, anthropic.messages). */'), []);
  });

  it('no file under libs/kernel/src holds a client-protocol id as a string', () => {
    const found = readdirSync(KERNEL_SRC, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => protocolLiterals(readFileSync(path.join(KERNEL_SRC, f), 'utf8')).map((id) => `${f}: ${id}`));
    assert.deepEqual(
      found,
      [],
      'a protocol rule belongs in the codec of the plugin that owns the protocol (an optional ProtocolCodec hook)',
    );
  });
});
