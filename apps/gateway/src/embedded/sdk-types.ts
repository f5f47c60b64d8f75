/**
 * The request and response types of the in-process API, taken from the official SDKs' own
 * declarations (type-only imports: neither SDK is loaded at run time). Install `openai` and/or
 * `@anthropic-ai/sdk` next to @switchyard/gateway to get them; without them (and with
 * `skipLibCheck`) these types degrade to `any`.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';

/**
 * An SDK request type plus any other field: virtual models' profile vocabulary and
 * provider-native keys (`chat_template_kwargs`, `top_k`, …) pass through like over HTTP.
 */
export type Extensible<T> = T & { [key: string]: unknown };

export type ChatCompletionCreateParams = Extensible<OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming>;
export type ChatCompletionCreateParamsStreaming = Extensible<OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming>;
export type ChatCompletionCreateParamsBase = Extensible<OpenAI.Chat.Completions.ChatCompletionCreateParams>;
export type ChatCompletion = OpenAI.Chat.Completions.ChatCompletion;
export type ChatCompletionChunk = OpenAI.Chat.Completions.ChatCompletionChunk;

export type CompletionCreateParams = Extensible<OpenAI.Completions.CompletionCreateParamsNonStreaming>;
export type CompletionCreateParamsStreaming = Extensible<OpenAI.Completions.CompletionCreateParamsStreaming>;
export type CompletionCreateParamsBase = Extensible<OpenAI.Completions.CompletionCreateParams>;
export type Completion = OpenAI.Completions.Completion;

export type EmbeddingCreateParams = Extensible<OpenAI.Embeddings.EmbeddingCreateParams>;
export type CreateEmbeddingResponse = OpenAI.Embeddings.CreateEmbeddingResponse;

export type ResponseCreateParams = Extensible<OpenAI.Responses.ResponseCreateParamsNonStreaming>;
export type ResponseCreateParamsStreaming = Extensible<OpenAI.Responses.ResponseCreateParamsStreaming>;
export type ResponseCreateParamsBase = Extensible<OpenAI.Responses.ResponseCreateParams>;
export type Response = OpenAI.Responses.Response;
export type ResponseStreamEvent = OpenAI.Responses.ResponseStreamEvent;

export type MessageCreateParams = Extensible<Anthropic.Messages.MessageCreateParamsNonStreaming>;
export type MessageCreateParamsStreaming = Extensible<Anthropic.Messages.MessageCreateParamsStreaming>;
export type MessageCreateParamsBase = Extensible<Anthropic.Messages.MessageCreateParams>;
export type Message = Anthropic.Messages.Message;
export type MessageStreamEvent = Anthropic.Messages.RawMessageStreamEvent;

/** One entry of `models.list()`: OpenAI's model object, plus `context_length` where a route sets it. */
export type ModelEntry = OpenAI.Models.Model & { context_length?: number };

export interface ModelList {
  object: 'list';
  data: ModelEntry[];
}
