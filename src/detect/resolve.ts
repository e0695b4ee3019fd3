/**
 * Overlap resolution: when findings overlap, the better one wins — higher score, then the more specific type
 * (entity priority), then the longer span. Output is sorted by offset and non-overlapping.
 */
import { compareFindings, type EntityName, type Finding } from '../core/finding.js';

function better(a: Finding, b: Finding, priority: (t: EntityName) => number): boolean {
  if (a.score !== b.score) return a.score > b.score;
  const pa = priority(a.type);
  const pb = priority(b.type);
  if (pa !== pb) return pa > pb;
  const la = a.end - a.start;
  const lb = b.end - b.start;
  if (la !== lb) return la > lb;
  return a.start < b.start;
}

/**
 * Resolve overlapping findings. Works cluster by cluster (maximal runs of transitively overlapping spans),
 * so the cost is O(n log n) for sorting plus O(k²) inside clusters, which are tiny in practice.
 *
 * @example
 * resolveOverlaps([{ type: 'CREDIT_CARD', start: 0, end: 16, score: 0.9, recognizer: 'x' }, …], priorityOf)
 */
export function resolveOverlaps(findings: Finding[], priority: (t: EntityName) => number): Finding[] {
  if (findings.length <= 1) return findings;
  findings.sort(compareFindings);
  const out: Finding[] = [];
  let i = 0;
  while (i < findings.length) {
    let clusterEnd = findings[i]!.end;
    let j = i + 1;
    while (j < findings.length && findings[j]!.start < clusterEnd) {
      if (findings[j]!.end > clusterEnd) clusterEnd = findings[j]!.end;
      j++;
    }
    if (j - i === 1) {
      out.push(findings[i]!);
    } else {
      const cluster = findings.slice(i, j);
      cluster.sort((a, b) => (better(a, b, priority) ? -1 : better(b, a, priority) ? 1 : 0));
      const chosen: Finding[] = [];
      for (const f of cluster) {
        let ok = true;
        for (const c of chosen) {
          if (f.start < c.end && c.start < f.end) {
            ok = false;
            break;
          }
        }
        if (ok) chosen.push(f);
      }
      chosen.sort(compareFindings);
      for (const c of chosen) out.push(c);
    }
    i = j;
  }
  return out;
}
