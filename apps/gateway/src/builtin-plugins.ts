import { PluginRegistry } from '@switchyard/kernel';
import anthropic from '@switchyard/plugin-anthropic';
import mock from '@switchyard/plugin-mock';
import openai from '@switchyard/plugin-openai';
import vertex from '@switchyard/plugin-vertex';
import bedrock from '@switchyard/plugin-bedrock';
import ollama from '@switchyard/plugin-ollama';
import openresponses from '@switchyard/plugin-openresponses';

/** The registry with the provider plugins that ship in this repository. */
export function createBuiltinRegistry(): PluginRegistry {
  return new PluginRegistry()
    .register(openai)
    .register(anthropic)
    .register(mock)
    .register(openresponses)
    .register(vertex)
    .register(bedrock)
    .register(ollama);
}
