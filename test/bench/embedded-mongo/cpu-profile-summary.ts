import { fileURLToPath } from 'node:url';

/** The parts of a V8 `.cpuprofile` (Profiler.Profile) this summary reads. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  }>;
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Self time of one function (or file), in µs and as a share of busy time. */
export interface SelfTime {
  name: string;
  selfUs: number;
  share: number;
}

/** Where the server's CPU went during one stretch: busy time, top functions and top source files by self time. */
export interface ProfileSummary {
  busyUs: number;
  idleUs: number;
  functions: SelfTime[];
  files: SelfTime[];
}

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Short, stable location: repo-relative path or `pkg/…` inside node_modules, `node:` for built-ins. */
function shortUrl(url: string): string {
  if (!url) return '';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const inModules = path.lastIndexOf('node_modules/');
  if (inModules >= 0) return path.slice(inModules + 'node_modules/'.length);
  return path.startsWith(REPO_ROOT) ? path.slice(REPO_ROOT.length) : path;
}

/**
 * Sums self time per function and per file. Idle samples are reported apart so the shares
 * are of the time the server was actually busy; `(garbage collector)` and `(program)` stay in.
 */
export function summariseProfile(profile: CpuProfile, top = 20): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  let busyUs = 0;
  let idleUs = 0;
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the gap before sample i; the gap after it is the time it stands for.
    const us = Math.max(0, deltas[i + 1] ?? deltas[i] ?? 0);
    const frame = byId.get(samples[i]!)?.callFrame;
    if (!frame) continue;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    busyUs += us;
    const file = shortUrl(frame.url) || frame.functionName;
    // tsx emits whitespace-minified code, so our own files report line 1: name and file say more.
    const where = frame.lineNumber > 0 ? `${file}:${frame.lineNumber + 1}` : file;
    const fn = frame.url ? `${frame.functionName || '(anonymous)'}  ${where}` : frame.functionName;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
    files.set(file, (files.get(file) ?? 0) + us);
  }
  const rank = (map: Map<string, number>): SelfTime[] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, selfUs]) => ({ name, selfUs, share: busyUs ? selfUs / busyUs : 0 }));
  return { busyUs, idleUs, functions: rank(functions), files: rank(files) };
}

/**
 * Plain-text rendering: busy/idle, then the top functions and files with their shares.
 * The sampler sees the main thread's stack, not the CPU: native frames such as `writeBuffer`
 * (the socket write syscall, which on loopback also runs the receiver's TCP path) include
 * kernel time and any time the thread sat descheduled on a busy machine.
 */
export function formatProfileSummary(title: string, summary: ProfileSummary, ops?: number): string {
  const perOp = ops ? `, ${(summary.busyUs / ops).toFixed(1)} µs busy per op` : '';
  const lines = [`${title}: busy ${(summary.busyUs / 1000).toFixed(0)} ms, idle ${(summary.idleUs / 1000).toFixed(0)} ms${perOp}`];
  const row = (t: SelfTime): string => `    ${(t.share * 100).toFixed(1).padStart(5)}%  ${(t.selfUs / 1000).toFixed(1).padStart(8)} ms  ${t.name}`;
  lines.push('  top functions by self time:', ...summary.functions.map(row));
  lines.push('  top files by self time:', ...summary.files.map(row));
  return lines.join('\n');
}
