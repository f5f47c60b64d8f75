/**
 * Issue #14 item 8: the short soak (`npm run soak -- --short`, ≤ 60 s) runs in the suite: 3 rounds
 * of 60 streams through the passthrough, Anthropic-translated and Responses lanes with client
 * aborts and upstream faults; its result must show every check held. And the soak's judgement of
 * a journal line against what the client saw, on its own.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

type Expectations = typeof import('../../soak/src/soak-expectations.js');
type SoakModule = typeof import('../../soak/src/run-soak.js');
type SoakResult = Awaited<ReturnType<SoakModule['runSoak']>>;

const SOAK = fileURLToPath(new URL('../../../soak/dist/run-soak.js', import.meta.url));
const { judgeStatus } = (await import(new URL('../../../soak/dist/soak-expectations.js', import.meta.url).href)) as Expectations;

describe('the soak judges a journal line by what the client saw', () => {
  it('a non-200 status must be journaled as that status', () => {
    assert.equal(judgeStatus({ kind: 'status', status: 429 }, 429), 'ok');
    assert.equal(judgeStatus({ kind: 'status', status: 502 }, 200), 'wrong');
  });

  it('a complete stream is 200, a truncated one a 5xx', () => {
    assert.equal(judgeStatus({ kind: 'complete' }, 200), 'ok');
    assert.equal(judgeStatus({ kind: 'complete' }, 499), 'wrong');
    assert.equal(judgeStatus({ kind: 'truncated' }, 502), 'ok');
    assert.equal(judgeStatus({ kind: 'truncated' }, 200), 'wrong');
  });

  it('a stream that ended in an error event is a 5xx; 200 only for a malformed event a passthrough stream passed on verbatim', () => {
    const failed = { kind: 'failed-stream', detail: 'error' } as const;
    assert.equal(judgeStatus(failed, 502), 'ok');
    assert.equal(judgeStatus(failed, 200), 'wrong');
    assert.equal(judgeStatus(failed, 200, [], true), 'ok');
    assert.equal(judgeStatus(failed, 400), 'wrong');
  });

  it('a client abort is 499, or what the gateway had already finished with', () => {
    assert.equal(judgeStatus({ kind: 'aborted' }, 499), 'ok');
    assert.equal(judgeStatus({ kind: 'aborted' }, 200, [200]), 'ok');
    assert.equal(judgeStatus({ kind: 'aborted' }, 504, [200]), 'wrong');
  });
});

describe('npm run soak -- --short', { timeout: 180_000 }, () => {
  it(
    'every check holds: journal lines and statuses, active gauge, descriptors, upstream connections, heap',
    { timeout: 170_000 },
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-soak-test-'));
      const json = path.join(dir, 'result.json');
      try {
        const started = Date.now();
        const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
          execFile(process.execPath, [SOAK, '--short', '--seed', '2', '--json', json], { timeout: 160_000 }, (err, stdout, stderr) =>
            resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
          );
        });
        const seconds = (Date.now() - started) / 1000;
        process.stdout.write(out.stdout);
        assert.equal(out.code, 0, `${out.stdout}\n${out.stderr}`);
        const result = JSON.parse(readFileSync(json, 'utf8')) as SoakResult;
        assert.equal(result.ok, true, result.problems.join('\n'));
        process.stdout.write(`the short soak took ${seconds.toFixed(0)} s\n`);
        assert.equal(result.rounds.length, 3);
        const cells = new Set(result.rounds.flatMap((r) => Object.keys(r.matrix)));
        for (const lane of ['passthrough', 'anthropic', 'responses']) {
          for (const fault of ['ok', 'reset', 'stall', 'malformed', '5xx', '429', 'drop']) {
            assert.ok(cells.has(`${lane}/${fault}`), `${lane}/${fault} was exercised`);
          }
        }
        for (const r of result.rounds) {
          assert.equal(r.requests, 60);
          assert.equal(r.missingLines + r.duplicateLines + r.wrongStatus, 0, r.problems.join('\n'));
          assert.equal(r.journalLines, 60);
          assert.equal(r.activeAfter, 0);
          assert.ok(r.fdsAfter <= result.baseline.fds, `fds ${r.fdsAfter} vs ${result.baseline.fds}`);
          assert.ok(r.upstreamConnectionsAfter <= result.baseline.upstreamConnections);
        }
        assert.ok(result.rounds.reduce((n, r) => n + (r.outcomes.aborted ?? 0), 0) > 0, 'some clients aborted mid-stream');
        assert.ok(result.heapGrowthPercent <= 10, `heap after GC grew ${result.heapGrowthPercent.toFixed(1)} %`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
