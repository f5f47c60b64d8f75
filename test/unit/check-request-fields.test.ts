import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRequestFields, fieldChecks as f, GatewayError, type FieldRules } from '@switchyard/plugin-sdk';

const RULES: FieldRules = { model: f.string, temperature: f.number(), max_tokens: f.integer(), stream: f.boolean };

function rejection(body: Record<string, unknown>, required: string[] = []): GatewayError | null {
  try {
    checkRequestFields(body, RULES, required);
    return null;
  } catch (err) {
    assert.ok(err instanceof GatewayError);
    return err;
  }
}

test('fields of the right type, unknown fields and nulls pass', () => {
  assert.equal(rejection({ model: 'm', temperature: 0.5, stream: false, repetition_penalty: 'any', max_tokens: null }), null);
});

test('a field of the wrong type is a 400 naming it', () => {
  const err = rejection({ model: 'm', max_tokens: 1.5 });
  assert.equal(err?.status, 400);
  assert.equal(err?.param, 'max_tokens');
  assert.match(err!.message, /^max_tokens: expected an integer/);
});

test('with several wrong fields, the first in the rules order is named, whatever the body order', () => {
  // The body lists stream before temperature; the rules list temperature first.
  const err = rejection({ stream: 'yes', model: 'm', temperature: 'hot' });
  assert.equal(err?.param, 'temperature');
  assert.equal(rejection({ max_tokens: 'x', model: 3 })?.param, 'model');
});

test('a required field that is absent is named before any type error', () => {
  assert.equal(rejection({ temperature: 'hot' }, ['model'])?.param, 'model');
});

test('keys that name Object.prototype members or __proto__ (as JSON.parse makes them) are not rules', () => {
  const body = JSON.parse('{"model":"m","__proto__":{"x":1},"constructor":1,"toString":"s","hasOwnProperty":2}') as Record<string, unknown>;
  assert.equal(rejection(body), null);
});
