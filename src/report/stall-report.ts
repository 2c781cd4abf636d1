import type { StallReport } from '../model/measure-stall.js';
import { formatBytes, formatMs, formatRatio, textTable } from './format.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** A StallReport as the plain-text block the CLI prints. */
export function formatStallReport(r: Omit<StallReport, 'context'>): string {
  const p = r.projection;
  const lines = [
    `${r.codec} (${r.form}), strategy ${r.strategy}: batch ${r.batch}, ${r.slots} slots; ${r.frames} frame(s), ${formatBytes(r.wireBytes)} on the wire`,
    '',
    textTable(
      ['part', 'p50 ms', 'p99 ms', '±%'],
      [
        [`encode (${r.timingSource})`, formatMs(r.encode.p50), formatMs(r.encode.p99), r.encode.rme.toFixed(1)],
        [`decode (${r.timingSource})`, formatMs(r.decode.p50), formatMs(r.decode.p99), r.decode.rme.toFixed(1)],
        [`derive/apply (${r.timingSource})`, formatMs(r.derive.p50), formatMs(r.derive.p99), r.derive.rme.toFixed(1)],
        [`step stall, tp=2 (${r.transport === 'ipc' ? 'measured, real processes' : 'encode + decode + derive'})`, formatMs(r.stall.p50), formatMs(r.stall.p99), ''],
        ['memcpy of the payload bytes', formatMs(r.memcpy.p50), formatMs(r.memcpy.p99), r.memcpy.rme.toFixed(1)],
      ],
    ),
    `stall / memcpy: ${formatRatio(r.vsMemcpy)}`,
  ];
  const t = r.transportMeasurement;
  if (t !== null) {
    lines.push(
      `transport: transfer ${formatMs(t.transferMs)} ms to one peer, +${formatMs(t.perPeerMs)} ms per extra peer, bare round trip ${formatMs(t.roundTripMs)} ms`,
      ...t.measured.map(
        (m) =>
          `  tp=${m.tp}: measured ${formatMs(m.stallP50)} ms (p99 ${formatMs(m.stallP99)}), projected ${formatMs(m.projectedMs)} ms, difference ${pct(m.projectionError)}${m.oversubscribed ? ' (more ranks than cores: measured stall inflated)' : ''}`,
      ),
    );
  }
  lines.push(
    `projection at tp=${p.tp} (${r.projectionBasis}) onto a ${p.stepMs} ms GPU step${p.overlap ? ', overlapped scheduler' : ''}:`,
    `  stall ${formatMs(p.stallMs)} ms per step, exposed ${formatMs(p.exposedMs)} ms, GPUs idle ${pct(p.idleFraction)}, ${p.tokensPerSecondLost.toFixed(0)} of ${p.tokensPerSecond.toFixed(0)} tok/s lost`,
    `  step time: ${r.stepSource}`,
  );
  return lines.join('\n');
}
