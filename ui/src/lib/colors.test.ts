import { describe, expect, it } from 'vitest';
import { PALETTE, runColor } from './colors';

// sRGB hex -> CIELAB (D65), and the relative luminance WCAG's contrast ratio uses.
function linear(hex: string): number[] {
  return [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
}
function luminance(hex: string): number {
  const [r, g, b] = linear(hex);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function lab(hex: string): number[] {
  const [r, g, b] = linear(hex);
  const f = (v: number) => (v > 0.008856 ? Math.cbrt(v) : 7.787 * v + 16 / 116);
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}
const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (hi + 0.05) / (lo + 0.05);
};

describe('run colours', () => {
  it('tells every pair of palette entries apart', () => {
    for (let i = 0; i < PALETTE.length; i++) {
      for (let j = i + 1; j < PALETTE.length; j++) {
        const [a, b] = [lab(PALETTE[i]), lab(PALETTE[j])];
        expect(Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]), `${PALETTE[i]} vs ${PALETTE[j]}`).toBeGreaterThanOrEqual(30);
      }
    }
  });
  it('stands out on the light and the dark background', () => {
    for (const c of PALETTE) {
      expect(contrast(c, '#ffffff'), c).toBeGreaterThanOrEqual(2.2);
      expect(contrast(c, '#11171c'), c).toBeGreaterThanOrEqual(2.9);
    }
  });
  it('keeps a run on one colour and spreads runs over the palette', () => {
    expect(runColor('abc')).toBe(runColor('abc'));
    const used = new Set(Array.from({ length: 200 }, (_, i) => runColor(`run-${i}`)));
    expect(used.size).toBe(PALETTE.length);
  });
});
