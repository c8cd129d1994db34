// Measures, from inside the extension host, how long its JavaScript thread runs without yielding to the event loop.
// A timer ticks every `intervalMs`; at each tick the probe reads the CPU time the extension host's thread has used
// since the previous tick. A thread that never yields for X ms delays the next tick by X ms *and* uses X ms of its
// own CPU in between; a thread that merely waited for a CPU (a busy machine) is late without using CPU. So the CPU
// between ticks bounds the longest stretch the host's own code ran, and the machine's load does not inflate it.
// Wall-clock lateness (drift) is kept as a figure: it is what a person would feel, but it also counts the
// neighbours' load.
import { performance } from 'node:perf_hooks';

export interface Gap {
  /** ms since the probe started */
  readonly atMs: number;
  /** how much later than `intervalMs` the tick fired (wall clock) */
  readonly lateMs: number;
  /** CPU the extension host's thread used since the previous tick */
  readonly cpuMs: number;
}

export interface ProbeStats {
  readonly ticks: number;
  /** Wall-clock drift: max, p99 and mean lateness of a tick, in ms. */
  readonly maxLateMs: number;
  readonly p99LateMs: number;
  readonly meanLateMs: number;
  /** The most CPU the host's thread used between two consecutive ticks, in ms: its longest run without yielding. */
  readonly maxBusyMs: number;
  /** Which clock `cpuMs` comes from: this thread's CPU, or the whole process's where the runtime lacks a thread clock. */
  readonly clock: 'thread' | 'process';
  /** The five gaps with the most CPU, then the five latest ticks (wall clock), deduplicated. */
  readonly worst: readonly Gap[];
}

export interface Probe {
  stop(): ProbeStats;
}

type CpuClock = () => NodeJS.CpuUsage;

/** process.threadCpuUsage (Node >= 23.9; code-server runs the extension host on Node 24), else process.cpuUsage. */
function cpuClock(): { read: CpuClock; kind: ProbeStats['clock'] } {
  const threadCpuUsage = (process as NodeJS.Process & { threadCpuUsage?: CpuClock }).threadCpuUsage;
  return threadCpuUsage ? { read: () => threadCpuUsage.call(process), kind: 'thread' } : { read: () => process.cpuUsage(), kind: 'process' };
}

const cpuMsBetween = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) => (b.user - a.user + b.system - a.system) / 1000;
const round = (v: number) => Math.round(v * 10) / 10;

export function startBusyProbe(intervalMs: number): Probe {
  const clock = cpuClock();
  const gaps: Gap[] = [];
  const start = performance.now();
  let last = start;
  let lastCpu = clock.read();
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = clock.read();
    gaps.push({ atMs: round(now - start), lateMs: Math.max(0, now - last - intervalMs), cpuMs: cpuMsBetween(lastCpu, cpu) });
    last = now;
    lastCpu = cpu;
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const late = gaps.map((g) => g.lateMs).sort((a, b) => a - b);
      const at = (q: number) => late[Math.min(late.length - 1, Math.floor(q * late.length))] ?? 0;
      const byCpu = [...gaps].sort((a, b) => b.cpuMs - a.cpuMs).slice(0, 5);
      const byLate = [...gaps].sort((a, b) => b.lateMs - a.lateMs).slice(0, 5);
      const worst = [...new Set([...byCpu, ...byLate])].map((g) => ({ atMs: g.atMs, lateMs: round(g.lateMs), cpuMs: round(g.cpuMs) }));
      return {
        ticks: gaps.length,
        maxLateMs: late.at(-1) ?? 0,
        p99LateMs: at(0.99),
        meanLateMs: late.reduce((a, b) => a + b, 0) / Math.max(1, late.length),
        maxBusyMs: byCpu[0]?.cpuMs ?? 0,
        clock: clock.kind,
        worst,
      };
    },
  };
}

/** Why the host counts as blocked (its thread ran more than `limitMs` without yielding), or undefined if it did not. */
export function blockedVerdict(stats: ProbeStats, limitMs: number): string | undefined {
  if (stats.maxBusyMs <= limitMs) return undefined;
  return (
    `the extension host's JavaScript ran ${round(stats.maxBusyMs)} ms without yielding (> ${limitMs} ms; ${stats.clock} CPU ` +
    `between ticks over ${stats.ticks} ticks); gaps as late@ms(cpu ms): ${describeGaps(stats.worst)}`
  );
}

export const describeGaps = (gaps: readonly Gap[]) => gaps.map((g) => `${g.lateMs}@${g.atMs}(cpu ${g.cpuMs})`).join(' ');

/**
 * Runs the calling thread for `ms` of its own CPU time without yielding: the deliberate block the probe must catch.
 * Counted in CPU, not wall-clock, time, so that a loaded machine (which preempts the loop) does not shorten it.
 */
export function busyWait(ms: number): void {
  const clock = cpuClock();
  const start = clock.read();
  while (cpuMsBetween(start, clock.read()) < ms) {
    // spin
  }
}
