/** The markdown table and the SVG chart written next to the JSON results. */
import type { ScenarioResult } from './scenario.js';
import { imageRuntime } from './image-runtime.js';

const yesNo = (v: boolean): string => (v ? 'yes' : 'NO');

const list = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || 'none';

/** How the operator ran: its WORKERS, heap limit and build. */
const operatorSetup = (r: ScenarioResult): string =>
  [
    `${r.workers} workers`,
    r.operatorBuild,
    r.operatorNodeOptions === '' ? 'Node defaults' : `\`${r.operatorNodeOptions}\``,
    ...Object.entries(r.operatorEnv ?? {}).map(([k, v]) => `${k}=${v}`),
  ].join(', ');

export function markdownReport(results: readonly ScenarioResult[], startedAt: string): string {
  const first = results[0];
  const lines = [
    `# kasm-operator benchmark (${startedAt})`,
    '',
    first
      ? 'Mix per N: N KasmUsers each with a password Secret, N/20 KasmGroups, N/20 KasmGroupMemberships listing 20 users each by userRef (every user in one membership), ' +
        'N/100 KasmImages, and one KasmGroupImage per group. ' +
        `Kasm simulator limited to R requests/s (429 above it); the operator's client limit is R; poll interval ${first.pollMs / 1000} s; ` +
        `steady state measured over ${first.steady.pollIntervals} poll intervals after ${first.steady.settlePolls} to settle. ` +
        'Floor = (creates of users, groups and images + add_user_group per membership entry + add_images_group per grant + get_images_group per group with grants + 3 lists) / R. ' +
        'The operator runs alone in a child process, as the image runs it unless the operator column says otherwise; memory and event-loop figures are its own.'
      : 'No runs.',
    '',
    '| N | R | mode | operator | objects | all Ready | time to Ready (s) | floor (s) | ratio | Kasm calls/object (create) | peak calls/s | 429s (peak/s) | steady calls/poll: lists + other | steady status writes/poll | restart Kasm writes | restart calls | restart all reconciled (s; polls) | status writes/object: until Ready; settled | metadata writes/object | loop p99 (ms) | operator RSS peak (MiB) | heap peak (MiB) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const c = r.creation;
    const byBulk = c.by !== r.mode;
    const creation = byBulk
      ? `(created by bulk) | ${c.timeToReadyS} | ${r.floor.seconds} | - | - | - | - |`
      : `${yesNo(c.allReady)} | ${c.timeToReadyS} | ${r.floor.seconds} | ${c.ratioToFloor} | ${c.kasmCallsPerObject} | ${c.peakCallsPerSecond} | ${c.rateLimited429} (${c.peak429PerSecond}) |`;
    const demand = r.steady.perObjectDemandPerPoll !== undefined ? `; needs ~${r.steady.perObjectDemandPerPoll}` : '';
    const steady = `${r.steady.kasmCallsPerPoll}: ${r.steady.listCallsPerPoll} + ${r.steady.otherCallsPerPoll}${r.steady.rateLimitBound ? ' (rate-bound' + demand + ')' : demand ? ` (${demand.slice(2)})` : ''}`;
    const writes = byBulk ? '- | - | - |' : `${c.statusWritesPerObject}; ${c.statusWritesPerObjectSettled} | ${c.metadataWritesPerObject} | ${c.loopDelay.p99Ms} |`;
    const heapPeak = Math.max(r.memory.operator.peak.heapUsedMb, r.memory.restarted.peak.heapUsedMb);
    lines.push(
      `| ${r.objects} | ${r.kasmRps} | ${r.mode} | ${operatorSetup(r)} | ${r.mix.managedObjects} | ${creation} ${steady} | ${r.steady.statusWritesPerPoll} | ${r.restart.kasmWrites} | ${r.restart.kasmCalls} | ` +
        `${r.restart.timeToConfirmS}; ${r.restart.pollIntervals}${r.restart.confirmed ? '' : ' (incomplete)'} | ${writes} ${r.memory.peakRssMb} | ${heapPeak} |`,
    );
  }
  lines.push('', 'Kasm calls per object during creation, by endpoint:', '');
  for (const r of results) if (r.creation.by === r.mode) lines.push(`- N=${r.objects} ${r.mode}: ${list(r.creation.kasmCallsPerObjectByEndpoint)}`);
  lines.push('', 'Steady-state Kasm calls per poll interval, by endpoint:', '');
  for (const r of results) lines.push(`- N=${r.objects} ${r.mode}: ${list(r.steady.kasmCallsPerPollByEndpoint)}`);
  lines.push('', 'Status writes per object at creation, by kind (until all Ready; until settled):', '');
  for (const r of results) {
    if (r.creation.by !== r.mode) continue;
    const byKind = Object.entries(r.creation.perKind).map(([k, v]) => `${k} ${Math.round((v.statusWrites / Math.max(1, v.objects)) * 100) / 100}; ${Math.round((v.statusWritesSettled / Math.max(1, v.objects)) * 100) / 100}`);
    lines.push(`- N=${r.objects} ${r.mode}: ${byKind.join(', ')}`);
  }
  lines.push('', 'Status writes per poll interval at steady state, by kind:', '');
  for (const r of results) lines.push(`- N=${r.objects} ${r.mode}: ${list(r.steady.statusWritesPerPollByKind)}`);
  lines.push('', 'Restart: Kubernetes writes until one poll interval after every object was reconciled:', '');
  for (const r of results) lines.push(`- N=${r.objects} ${r.mode}: status ${r.restart.statusWrites}, metadata ${r.restart.metadataWrites}; still all Ready: ${yesNo(r.restart.stillReady)}; Kasm calls ${list(r.restart.kasmCallsByEndpoint)}`);
  lines.push('', 'Operator memory (MiB; RSS / heap used), first process → restarted process:', '');
  for (const r of results) {
    const m = r.memory;
    const fig = (f: { rssMb: number; heapUsedMb: number }): string => `${f.rssMb} / ${f.heapUsedMb}`;
    lines.push(
      `- N=${r.objects} ${r.mode}: started ${fig(m.operator.baseline)}, peak ${fig(m.operator.peak)} (kernel high-water ${m.operator.kernelPeakRssMb ?? '?'}), ` +
        `steady ${fig(m.operator.steady)}, retained after GC ${fig(m.operator.retainedAfterGc)} → restarted: peak ${fig(m.restarted.peak)} (kernel ${m.restarted.kernelPeakRssMb ?? '?'}), retained after GC ${fig(m.restarted.retainedAfterGc)}`,
    );
  }
  lines.push('', 'See bench/README.md for what each figure means.', '');
  return lines.join('\n');
}

interface Series {
  label: string;
  colour: string;
  points: { x: number; y: number }[];
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** One line chart panel at (ox, oy), size w×h. */
function panel(ox: number, oy: number, w: number, h: number, title: string, yLabel: string, xs: number[], series: Series[]): string {
  const left = 60;
  const bottom = 40;
  const top = 30;
  const pw = w - left - 20;
  const ph = h - top - bottom;
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const yMax = niceMax(Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.y))));
  // N spans decades (100 to 10,000): a logarithmic axis keeps the small runs readable.
  const scale = xMin > 0 && xMax / xMin >= 20 ? Math.log10 : (x: number): number => x;
  const sx = (x: number): number => ox + left + (xMax === xMin ? pw / 2 : ((scale(x) - scale(xMin)) / (scale(xMax) - scale(xMin))) * pw);
  const sy = (y: number): number => oy + top + ph - (y / yMax) * ph;
  const parts: string[] = [
    `<text x="${ox + w / 2}" y="${oy + 18}" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
    `<line x1="${ox + left}" y1="${oy + top + ph}" x2="${ox + left + pw}" y2="${oy + top + ph}" stroke="#333"/>`,
    `<line x1="${ox + left}" y1="${oy + top}" x2="${ox + left}" y2="${oy + top + ph}" stroke="#333"/>`,
    `<text x="${ox + 14}" y="${oy + top + ph / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 ${ox + 14} ${oy + top + ph / 2})">${esc(yLabel)}</text>`,
    `<text x="${ox + left + pw / 2}" y="${oy + h - 6}" font-size="11" text-anchor="middle">N (KasmUsers)</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const y = (yMax * i) / 4;
    parts.push(`<line x1="${ox + left}" y1="${sy(y)}" x2="${ox + left + pw}" y2="${sy(y)}" stroke="#ddd"/>`);
    parts.push(`<text x="${ox + left - 6}" y="${sy(y) + 4}" font-size="10" text-anchor="end">${Math.round(y * 10) / 10}</text>`);
  }
  for (const x of xs) parts.push(`<text x="${sx(x)}" y="${oy + top + ph + 16}" font-size="10" text-anchor="middle">${x}</text>`);
  series.forEach((s, i) => {
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    if (pts.length > 1) parts.push(`<polyline fill="none" stroke="${s.colour}" stroke-width="2" points="${pts.map((p) => `${sx(p.x)},${sy(p.y)}`).join(' ')}"/>`);
    for (const p of pts) {
      parts.push(`<circle cx="${sx(p.x)}" cy="${sy(p.y)}" r="3.5" fill="${s.colour}"/>`);
      parts.push(`<text x="${sx(p.x) + 5}" y="${sy(p.y) - 6}" font-size="10" fill="${s.colour}">${p.y}</text>`);
    }
    parts.push(`<rect x="${ox + left + 10}" y="${oy + top + 6 + i * 16}" width="10" height="10" fill="${s.colour}"/>`);
    parts.push(`<text x="${ox + left + 26}" y="${oy + top + 15 + i * 16}" font-size="11">${esc(s.label)}</text>`);
  });
  return parts.join('\n');
}

const COLOURS: Record<string, string> = { bulk: '#1f77b4', 'per-object': '#d62728', floor: '#7f7f7f' };

export function svgChart(all: readonly ScenarioResult[]): string {
  // The chart compares the designs as the image runs them; build and heap variants are in the table only.
  const image = imageRuntime();
  const results = all.filter((r) => r.operatorBuild === 'bundle' && r.operatorNodeOptions === image.nodeOptions);
  const xs = [...new Set(results.map((r) => r.objects))].sort((a, b) => a - b);
  const modes = [...new Set(results.map((r) => r.mode))];
  const byMode = (pick: (r: ScenarioResult) => number): Series[] =>
    modes.map((mode) => ({ label: mode, colour: COLOURS[mode] ?? '#000', points: results.filter((r) => r.mode === mode).map((r) => ({ x: r.objects, y: pick(r) })) }));
  const floorByN = new Map(results.map((r) => [r.objects, r.floor.seconds]));
  // A per-object run created by a bulk operator has no per-object creation time to show.
  const timeSeries = [
    ...byMode((r) => r.creation.timeToReadyS).map((s) => ({ ...s, points: s.points.filter((p) => results.some((r) => r.objects === p.x && r.mode === s.label && r.creation.by === r.mode)) })),
    { label: 'floor', colour: COLOURS.floor ?? '#777', points: [...floorByN].map(([x, y]) => ({ x, y })) },
  ];
  // Where the per-object design filled the rate limit, what it needs rather than what it got.
  const callsPerPoll = (r: ScenarioResult): number => (r.steady.rateLimitBound && r.steady.perObjectDemandPerPoll !== undefined ? r.steady.perObjectDemandPerPoll : r.steady.kasmCallsPerPoll);
  const rps = [...new Set(results.map((r) => `${r.kasmRps}`))].join(', ');
  const w = 460;
  const h = 320;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * w}" height="${h}" viewBox="0 0 ${2 * w} ${h}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    panel(0, 0, w, h, `Time to all Ready (R = ${rps}/s)`, 'seconds', xs, timeSeries),
    panel(w, 0, w, h, 'Kasm calls per poll interval, steady state (per object: needed)', 'calls per poll', xs, byMode(callsPerPoll)),
    '</svg>',
    '',
  ].join('\n');
}
