// Offsets from the patient-data guard are in Unicode code points; JavaScript strings index
// UTF-16 units. These helpers convert, so a character outside the BMP (an emoji) before a
// finding does not shift its highlight.
import type { Finding } from '../api/discussions';

/** The UTF-16 index of code point `cp` in `text` (text.length when past the end). */
export function utf16Index(text: string, cp: number): number {
  let units = 0;
  let points = 0;
  while (units < text.length && points < cp) {
    const c = text.charCodeAt(units);
    units += c >= 0xd800 && c <= 0xdbff && units + 1 < text.length ? 2 : 1;
    points++;
  }
  return units;
}

export interface Segment {
  text: string;
  finding?: Finding;
}

/** Cuts `text` into plain and flagged segments (findings sorted, not overlapping: the guard
 *  merges overlaps). */
export function segments(text: string, findings: Finding[]): Segment[] {
  const sorted = [...findings].sort((a, b) => (a.startOffset ?? 0) - (b.startOffset ?? 0));
  const out: Segment[] = [];
  let at = 0;
  for (const f of sorted) {
    const start = utf16Index(text, f.startOffset ?? 0);
    const end = utf16Index(text, f.endOffset ?? 0);
    if (start < at || end <= start) continue;
    if (start > at) out.push({ text: text.slice(at, start) });
    out.push({ text: text.slice(start, end), finding: f });
    at = end;
  }
  if (at < text.length) out.push({ text: text.slice(at) });
  return out;
}

/** The flagged text of a finding. */
export function excerpt(text: string, f: Finding): string {
  return text.slice(utf16Index(text, f.startOffset ?? 0), utf16Index(text, f.endOffset ?? 0));
}
