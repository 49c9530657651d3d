// Min/max bucket downsampling for line charts: the x range is cut into `buckets` equal parts and
// each keeps its first, lowest, highest and last point, in x order. Unlike evenly spaced sampling it
// never drops a spike (sampled charts losing spikes is a common MLflow complaint: docs/reference/ui.md,
// Most requested), and a canvas draws the result with the same pixels as the full series.

export interface Series { xs: number[]; ys: number[] }

export function minMaxDownsample(xs: ArrayLike<number>, ys: ArrayLike<number>, buckets: number): Series {
  const n = xs.length;
  if (n <= buckets * 4 || buckets < 1) return { xs: Array.from(xs), ys: Array.from(ys) };
  const x0 = xs[0];
  const x1 = xs[n - 1];
  const span = x1 - x0 || 1;
  const outX: number[] = [];
  const outY: number[] = [];
  let i = 0;
  for (let b = 0; b < buckets && i < n; b++) {
    const end = b === buckets - 1 ? Infinity : x0 + (span * (b + 1)) / buckets;
    const first = i;
    let lo = i;
    let hi = i;
    while (i < n && (xs[i] < end || b === buckets - 1)) {
      const y = ys[i];
      if (y < ys[lo] || !isFinite(ys[lo])) lo = i;
      if (y > ys[hi] || !isFinite(ys[hi])) hi = i;
      i++;
    }
    if (i === first) continue;  // empty bucket
    const last = i - 1;
    const picks = [first, lo, hi, last].sort((a, b) => a - b);
    let prev = -1;
    for (const p of picks) {
      if (p === prev) continue;
      outX.push(xs[p]);
      outY.push(ys[p]);
      prev = p;
    }
  }
  return { xs: outX, ys: outY };
}
