/**
 * Issue #19 (the stream tail): no function literal is assigned straight to a property
 * (`obj.prop = () => …`, `obj[k] = function () {}`) in the gateway's sources. V8's parser marks
 * such a literal "pretenure" (it takes it for a method set up once, as in `Foo.prototype.m =
 * function`), so every closure made there is allocated in the old generation. In per-request
 * code that closure holds a young context, and dead it keeps that context, and everything the
 * context reaches, alive through young-generation collections until the next full one:
 * `entry.interrupt = (error) => …` in forward-reply.ts held a whole stream, so a third of what a
 * stream allocates was copied and then promoted, and scavenges paused 10–30 ms (0.2 % and about
 * 1 ms once the closure was a local first). Assign a local instead: `const f = () => …; obj.prop = f`.
 * The same rule is in eslint.config.js (no-restricted-syntax) for editors.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** What V8's parser sees once TypeScript's own syntax is gone: parentheses and type assertions are not nodes there. */
function unwrap(node: ts.Expression): ts.Expression {
  while (
    ts.isParenthesizedExpression(node) ||
    ts.isAsExpression(node) ||
    ts.isSatisfiesExpression(node) ||
    ts.isNonNullExpression(node) ||
    ts.isTypeAssertionExpression(node)
  ) {
    node = node.expression;
  }
  return node;
}

/** Lines (1-based) where a function literal is assigned with `=` straight to a property. */
export function pretenuredClosures(source: string, fileName = 'x.ts'): number[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const lines: number[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = unwrap(node.left);
      const right = unwrap(node.right);
      if (
        (ts.isPropertyAccessExpression(left) || ts.isElementAccessExpression(left)) &&
        (ts.isArrowFunction(right) || ts.isFunctionExpression(right))
      ) {
        lines.push(file.getLineAndCharacterOfPosition(node.getStart()).line + 1);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return lines;
}

/** The gateway's sources: every package's src/ (tests and declaration files left out). */
function sources(): string[] {
  const out: string[] = [];
  for (const group of ['apps', 'libs', 'plugins']) {
    for (const pkg of readdirSync(path.join(ROOT, group), { withFileTypes: true })) {
      if (!pkg.isDirectory()) continue;
      const src = path.join(ROOT, group, pkg.name, 'src');
      let files: string[];
      try {
        files = readdirSync(src, { recursive: true, encoding: 'utf8' });
      } catch {
        continue;
      }
      for (const f of files) {
        if (f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.test.ts')) out.push(path.join(src, f));
      }
    }
  }
  return out.sort();
}

describe('no closure is assigned straight to a property (V8 allocates it in the old generation; issue #19)', () => {
  it('finds the pattern as V8 sees it, and only that', () => {
    const found = pretenuredClosures(
      [
        'entry.interrupt = (error) => stop(error);', // 1: found
        'o[key] = function () {};', // 2: found
        'this.onAbort = (() => undefined) as () => void;', // 3: found (the cast is not there at run time)
        'const f = () => 1; o.f = f;', // 4: a local: young, as it should be
        'o.f ??= () => 1;', // 5: not `=`, not marked by V8
        'let g; g = () => 1;', // 6: not a property
        'class C { onData = (c) => c; }', // 7: a class field is no assignment expression
        'emitter.on("data", () => 1);', // 8: an argument
      ].join('\n'),
    );
    assert.deepEqual(found, [1, 2, 3]);
  });

  it('apps/, libs/ and plugins/ sources assign closures to properties only through a local', () => {
    const all = sources();
    assert.ok(all.length > 100, `found ${all.length} source files`);
    const offending = all.flatMap((file) =>
      pretenuredClosures(readFileSync(file, 'utf8'), file).map((line) => `${path.relative(ROOT, file)}:${line}`),
    );
    assert.deepEqual(offending, [], 'assign a local instead: `const f = () => …; obj.prop = f` (see this file’s header)');
  });
});
