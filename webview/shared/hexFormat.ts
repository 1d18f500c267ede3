// Hex dump lines (offset, hex bytes, ASCII) with runs of identical lines collapsed like hexdump's "*".
// Pure, no DOM: used by the hex page and unit-tested.

export interface HexLine {
  offset: string;
  hex: string;
  text: string;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const ascii = (b: number) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');

export function hexLines(bytes: Uint8Array): HexLine[] {
  const out: HexLine[] = [];
  let prev: string | null = null;
  let squeezed = false;
  for (let off = 0; off < bytes.length; off += 16) {
    const row = bytes.subarray(off, Math.min(off + 16, bytes.length));
    const parts: string[] = [];
    for (let i = 0; i < 16; i++) parts.push(i < row.length ? HEX[row[i]!]! : '  ');
    const hex = `${parts.slice(0, 8).join(' ')}  ${parts.slice(8).join(' ')}`;
    const isLast = off + 16 >= bytes.length;
    if (hex === prev && !isLast) {
      if (!squeezed) out.push({ offset: '*', hex: '', text: '' });
      squeezed = true;
      continue;
    }
    squeezed = false;
    prev = hex;
    out.push({ offset: off.toString(16).padStart(8, '0'), hex, text: Array.from(row, ascii).join('') });
  }
  out.push({ offset: bytes.length.toString(16).padStart(8, '0'), hex: '', text: '' });
  return out;
}
