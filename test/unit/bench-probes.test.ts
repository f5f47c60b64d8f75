/**
 * Issue #19: the bench's probes of the stream tail — the event-loop delay read inside a target
 * (loop-delay-preload.js, started and read with SIGUSR2) and the /healthz probe that opens a new
 * connection every interval — measure what they claim.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const dist = (f: string) => new URL(`../../../bench/dist/${f}`, import.meta.url).href;
const { startHealthProbe, spawnHealthProbe } = (await import(dist('healthz-probe.js'))) as {
  startHealthProbe(origin: string, intervalMs?: number, timeoutMs?: number): { stop(): Promise<number[]> };
  spawnHealthProbe(origin: string, intervalMs?: number, timeoutMs?: number): Promise<{ start(): void; stop(): Promise<number[]> }>;
};
const { loopDelayNodeFlags } = (await import(dist('loop-delay.js'))) as { loopDelayNodeFlags(): string[] };

test('the loop-delay preload measures only between two SIGUSR2s and reports a blocked loop', async () => {
  // A target that blocks its event loop for 150 ms every 200 ms once told to (by a file-less signal: SIGHUP).
  const script = `
    process.on('SIGHUP', () => setInterval(() => { const t = Date.now(); while (Date.now() - t < 150); }, 200));
    setInterval(() => {}, 1000);
    process.stdout.write('ready\\n');`;
  const child = spawn(process.execPath, [...loopDelayNodeFlags(), '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    let out = '';
    const line = (match: RegExp) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${match} in ${JSON.stringify(out)}`)), 10_000);
        const check = () => {
          const m = match.exec(out);
          if (!m) return;
          clearTimeout(timer);
          child.stdout.off('data', onData);
          resolve(m[0]);
        };
        const onData = (d: Buffer) => {
          out += d.toString();
          check();
        };
        child.stdout.on('data', onData);
        check();
      });
    await line(/ready\n/);
    // An idle loop: small delays.
    child.kill('SIGUSR2');
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGUSR2');
    const idle = JSON.parse(await line(/\{"benchLoopDelay".*\}\n/)) as { benchLoopDelay: { p99: number; samples: number } };
    assert.ok(idle.benchLoopDelay.samples > 0);
    assert.ok(idle.benchLoopDelay.p99 < 100, `idle p99 ${idle.benchLoopDelay.p99} ms`);
    out = '';
    // A loop blocked 150 ms at a time: the p99 shows it.
    child.kill('SIGHUP');
    child.kill('SIGUSR2');
    await new Promise((r) => setTimeout(r, 1000));
    child.kill('SIGUSR2');
    const busy = JSON.parse(await line(/\{"benchLoopDelay".*\}\n/)) as { benchLoopDelay: { p99: number; max: number } };
    assert.ok(busy.benchLoopDelay.max >= 100, `blocked max ${busy.benchLoopDelay.max} ms`);
  } finally {
    child.kill('SIGKILL');
  }
});

test('the /healthz probe opens a new connection per probe and times each answer', async () => {
  const connections: number[] = [];
  let slow = false;
  const server: Server = createServer((req, res) => {
    assert.equal(req.url, '/healthz');
    setTimeout(() => res.end('ok'), slow ? 80 : 0);
  });
  server.on('connection', () => connections.push(Date.now()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const fast = await (async () => {
      const probe = startHealthProbe(origin, 50);
      await new Promise((r) => setTimeout(r, 600));
      return probe.stop();
    })();
    // Timers run late on a busy machine: at least two probes in 600 ms at a 50 ms interval.
    assert.ok(fast.length >= 2, `${fast.length} probes`);
    assert.equal(connections.length, fast.length, 'one new connection per probe');
    slow = true;
    const probe = startHealthProbe(origin, 50);
    await new Promise((r) => setTimeout(r, 180));
    const times = await probe.stop();
    assert.ok(times.length >= 1 && times.every((t) => t >= 75), `slow answers: ${times.join(', ')}`);
    // A probe that gets no answer counts as the timeout.
    const dead = startHealthProbe('http://127.0.0.1:1', 20, 300);
    await new Promise((r) => setTimeout(r, 50));
    const failed = await dead.stop();
    assert.ok(failed.length >= 1 && failed.every((t) => t === 300), `refused: ${failed.join(', ')}`);
  } finally {
    server.close();
  }
});

test('the /healthz probe process probes only between start and stop, with its own event loop', async () => {
  let connections = 0;
  const server: Server = createServer((_req, res) => res.end('ok'));
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const probe = await spawnHealthProbe(origin, 50);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(connections, 0, 'no probe before start()');
    probe.start();
    // This process's event loop blocked for 400 ms: the probe process goes on probing meanwhile.
    await new Promise((r) => setTimeout(r, 50));
    const t = Date.now();
    while (Date.now() - t < 400);
    await new Promise((r) => setTimeout(r, 100));
    const times = await probe.stop();
    assert.ok(times.length >= 3, `${times.length} probes`);
    assert.equal(connections, times.length, 'one new connection per probe');
    assert.ok(times.filter((ms) => ms < 200).length >= 3, `answers not held up by this process's blocked loop: ${times.join(', ')}`);
  } finally {
    server.close();
  }
});

test('the preload counts garbage-collection pauses and what survives the scavenges, and reports them on SIGWINCH, the longest pause since the last report', async () => {
  // Allocates once told to (SIGHUP): the first time garbage that dies young, the second time
  // objects it keeps, so that scavenges happen between the reports with little or most surviving.
  const script = `
    let keep = [];
    const kept = [];
    let n = 0;
    process.on('SIGHUP', () => {
      n++;
      if (n === 1) for (let i = 0; i < 2e6; i++) { keep.push({ i }); if (keep.length > 1000) keep = []; }
      else for (let i = 0; i < 1e6; i++) kept.push({ i });
      process.stdout.write('churned' + n + '\\n');
    });
    setInterval(() => {}, 1000);
    process.stdout.write('ready\\n');`;
  const child = spawn(process.execPath, [...loopDelayNodeFlags(), '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  type Gc = {
    minor: { count: number; ms: number; youngBytes: number; survivedBytes: number };
    major: { count: number; ms: number };
    maxMs: number;
  };
  const survival = (a: Gc, b: Gc): number => (b.minor.survivedBytes - a.minor.survivedBytes) / (b.minor.youngBytes - a.minor.youngBytes);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const waitFor = async (pred: () => boolean) => {
    for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(pred(), `timed out; output: ${out}`);
  };
  const reports = (): Gc[] =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{"benchGc"'))
      .map((l) => (JSON.parse(l) as { benchGc: Gc }).benchGc);
  try {
    await waitFor(() => out.includes('ready'));
    child.kill('SIGWINCH');
    await waitFor(() => reports().length === 1);
    child.kill('SIGHUP');
    await waitFor(() => out.includes('churned1'));
    child.kill('SIGWINCH');
    await waitFor(() => reports().length === 2);
    const [before, after] = reports() as [Gc, Gc];
    assert.ok(after.minor.count > before.minor.count, `scavenges counted: ${JSON.stringify(reports())}`);
    assert.ok(after.minor.ms > before.minor.ms && after.maxMs > 0, 'their pauses timed');
    child.kill('SIGWINCH');
    await waitFor(() => reports().length === 3);
    const third = reports()[2]!;
    assert.ok(third.maxMs === 0 || third.maxMs < after.maxMs, `the longest pause restarts after each report: ${third.maxMs}`);
    assert.ok(survival(before, after) < 0.2, `garbage that dies young: ${survival(before, after)} survived`);
    child.kill('SIGHUP');
    await waitFor(() => out.includes('churned2'));
    child.kill('SIGWINCH');
    await waitFor(() => reports().length === 4);
    const fourth = reports()[3]!;
    assert.ok(fourth.minor.count > third.minor.count, 'scavenges while objects are kept');
    assert.ok(survival(third, fourth) > 0.5, `objects kept: ${survival(third, fourth)} survived`);
  } finally {
    child.kill('SIGKILL');
  }
});
