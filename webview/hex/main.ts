// Hex peek page: the first 64 KiB of a shared-memory segment (read by the host with pread) as offset,
// hex and ASCII columns, runs of identical lines collapsed like hexdump's "*". Text only via .text().

import { select } from 'd3';
import { onMessage, post, ready, setState } from '../lib/host';
import { parseToHex, type FromHex, type ToHex } from '../shared/hexProtocol';
import { hexLines } from '../shared/hexFormat';

const send = (m: FromHex) => post(m);
const app = select<HTMLElement, unknown>('#app');
const title = app.append('h1').attr('id', 'hex-title');
const meta = app.append('p').attr('class', 'muted').attr('id', 'hex-meta');
app.append('div').attr('class', 'toolbar').append('button').attr('id', 'refresh').text('Refresh').on('click', () => send({ type: 'refresh' }));
const err = app.append('p').attr('class', 'error');
const dump = app.append('div').attr('class', 'hex-dump mono').attr('role', 'table').attr('aria-label', 'Hex dump');

function decode(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function handle(m: ToHex): void {
  setState({ objectId: m.objectId });
  title.text(m.title);
  if (m.type === 'error') {
    err.text(m.message);
    // An earlier dump is not what the segment holds now: it goes, with its description.
    meta.text('');
    dump.selectAll('div.hex-line').remove();
    return;
  }
  err.text('');
  const bytes = decode(m.base64);
  meta.text(`${m.file} · ${m.size} bytes · showing the first ${bytes.length} · read ${new Date(m.readAt).toLocaleTimeString()}`);
  dump.selectAll('div.hex-line').data(hexLines(bytes)).join((enter) => {
    const row = enter.append('div').attr('class', 'hex-line').attr('role', 'row');
    row.append('span').attr('class', 'hex-off muted').attr('role', 'cell');
    row.append('span').attr('class', 'hex-bytes').attr('role', 'cell');
    row.append('span').attr('class', 'hex-ascii').attr('role', 'cell');
    return row;
  }).call((row) => {
    row.select('.hex-off').text((d) => d.offset);
    row.select('.hex-bytes').text((d) => d.hex);
    row.select('.hex-ascii').text((d) => d.text);
  });
}

onMessage(parseToHex, handle);
ready();
