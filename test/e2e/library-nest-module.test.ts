/**
 * SwitchyardModule.forRoot(config) imported into another Nest application: the host's own
 * providers inject the in-process API (Switchyard) and the kernel pipeline; the host's close()
 * closes the backends.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Inject, Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, GatewayPipeline } from '@switchyard/kernel';
import { Switchyard, SwitchyardModule } from '@switchyard/gateway';

/** A host service that uses Switchyard like any other dependency. */
@Injectable()
class Summarizer {
  constructor(
    @Inject(Switchyard) private readonly switchyard: Switchyard,
    @Inject(GatewayPipeline) readonly pipeline: GatewayPipeline,
  ) {}

  async summarize(text: string): Promise<string> {
    const reply = await this.switchyard.chat.completions.create({ model: 'summary', messages: [{ role: 'user', content: text }] });
    return reply.choices[0]!.message.content ?? '';
  }

  async *stream(text: string): AsyncGenerator<string> {
    const stream = await this.switchyard.messages.create({
      model: 'summary',
      max_tokens: 32,
      stream: true,
      messages: [{ role: 'user', content: text }],
    });
    for await (const event of stream) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') yield event.delta.text;
  }
}

@Module({
  imports: [
    SwitchyardModule.forRoot({
      logging: { level: 'error' },
      backends: [{ id: 'local', type: 'mock', output_tokens: 5 }],
      routes: [{ virtual_model: 'summary', backend: 'local', real_model: 'mock' }],
    }),
  ],
  providers: [Summarizer],
})
class HostModule {}

describe('SwitchyardModule in a host Nest application', () => {
  let app: INestApplicationContext;

  before(async () => {
    app = await NestFactory.createApplicationContext(HostModule, { logger: false });
  });

  after(async () => {
    await app?.close();
  });

  it('host providers inject Switchyard and GatewayPipeline', async () => {
    const summarizer = app.get(Summarizer);
    assert.ok(summarizer.pipeline instanceof GatewayPipeline);
    assert.equal(app.get(Switchyard).pipeline, summarizer.pipeline);
    const text = await summarizer.summarize('a long text');
    assert.equal(text.split(' ').length, 5);
    let streamed = '';
    for await (const piece of summarizer.stream('a long text')) streamed += piece;
    assert.equal(streamed.trim().split(' ').length, 5);
  });

  it('the pipeline is callable directly (GatewayRequest in, GatewayReply out)', async () => {
    const reply = await app.get(GatewayPipeline).handle({
      protocol: 'openai.chat',
      body: { model: 'summary', messages: [{ role: 'user', content: 'hi' }] },
      headers: {},
      requestId: 'nest-direct',
      signal: new AbortController().signal,
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.stream, false);
    assert.equal(JSON.parse((reply.body as Buffer).toString('utf8')).model, 'summary');
  });

  it("forRoot takes full options too, and rejects an invalid configuration with the loader's ConfigError", async () => {
    await assert.rejects(
      SwitchyardModule.forRoot({ config: { backends: [{ id: 'x', type: 'mock', output_tokens: 'many' }] }, logger: false }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /^config: backends\[0\]\.output_tokens: /m);
        return true;
      },
    );
  });
});
