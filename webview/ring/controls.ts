// Ring view controls: the layout chooser for shared-memory segments (presets or a custom layout) and the
// demo's rate, burstiness and stop controls. Built with d3 selections; labels are fixed text.

import { select, type Selection } from 'd3';
import { PRESETS, PRESET_LABELS, parseLayout, type LayoutChoice, type PresetName, type RingLayout } from '../../src/core/live/ringLayout';
import { MAX_DEMO_RATE, type DemoRates, type DemoState, type FromRing } from '../shared/ringProtocol';

type Div = Selection<HTMLDivElement, unknown, null, undefined>;

export function layoutForm(parent: HTMLElement, current: LayoutChoice | null, send: (m: FromRing) => void): void {
  const box = select(parent).append('fieldset').attr('class', 'layout-form');
  box.append('legend').text('Ring layout of this segment');
  const presetSel = box.append('label').text('Layout ').append('select').attr('id', 'layout-preset');
  const options: [string, string][] = [...(Object.keys(PRESETS) as PresetName[]).map((k): [string, string] => [k, PRESET_LABELS[k]]), ['custom', 'Custom…']];
  presetSel.selectAll('option').data(options).join('option').attr('value', (d) => d[0]).text((d) => d[1]);
  const custom = box.append('div').attr('class', 'custom-layout');
  const base: RingLayout = current?.preset === 'custom' ? current.layout : PRESETS[(current?.preset as PresetName | undefined) ?? 'seed'];
  const num = (key: string, text: string, value: number) =>
    custom.append('label').text(`${text} `).append('input').attr('type', 'number').attr('min', 0).attr('step', 1)
      .attr('class', 'narrow').attr('data-key', key).property('value', String(value));
  const pick = (key: string, text: string, values: string[], value: string) => {
    const s = custom.append('label').text(`${text} `).append('select').attr('data-key', key);
    s.selectAll('option').data(values).join('option').attr('value', (d) => d).text((d) => d);
    s.property('value', value);
  };
  num('readOffset', 'read offset', base.readOffset);
  num('writeOffset', 'write offset', base.writeOffset);
  pick('width', 'width', ['4', '8'], String(base.width));
  pick('endian', 'endian', ['le', 'be'], base.endian);
  pick('positions', 'positions', ['modulo', 'free-running'], base.positions);
  pick('capKind', 'capacity from', ['field', 'constant'], base.capacity.kind);
  num('capValue', 'capacity offset / value', base.capacity.kind === 'field' ? base.capacity.offset : base.capacity.value);
  pick('capWidth', 'capacity field width', ['as positions', '4', '8'], base.capacity.kind === 'field' && base.capacity.width ? String(base.capacity.width) : 'as positions');
  num('dataOffset', 'data offset', base.dataOffset);
  num('slotSize', 'slot size', base.slotSize);
  pick('oneSlotFree', 'one slot free', ['true', 'false'], String(base.oneSlotFree));
  const msg = box.append('p').attr('class', 'error');
  presetSel.property('value', current?.preset ?? 'seed');
  const sync = () => custom.classed('hidden', presetSel.property('value') !== 'custom');
  presetSel.on('change', sync);
  sync();
  box.append('button').attr('id', 'layout-apply').text('Attach layout').on('click', () => {
    const p = presetSel.property('value') as string;
    if (p !== 'custom') {
      msg.text('');
      send({ type: 'setLayout', choice: { preset: p as PresetName } });
      return;
    }
    const v = (k: string) => custom.select<HTMLInputElement | HTMLSelectElement>(`[data-key="${k}"]`).property('value') as string;
    const capKind = v('capKind');
    const layout = parseLayout({
      readOffset: Number(v('readOffset')), writeOffset: Number(v('writeOffset')), width: Number(v('width')),
      endian: v('endian'), positions: v('positions'),
      capacity: capKind === 'field'
        ? { kind: 'field', offset: Number(v('capValue')), ...(v('capWidth') === 'as positions' ? {} : { width: Number(v('capWidth')) }) }
        : { kind: 'constant', value: Number(v('capValue')) },
      dataOffset: Number(v('dataOffset')), slotSize: Number(v('slotSize')), oneSlotFree: v('oneSlotFree') === 'true',
    });
    if (!layout) {
      msg.text('This layout is not valid: offsets up to 4096, positions must not overlap, capacity ≥ 1, slot size ≥ 1.');
      return;
    }
    msg.text('');
    send({ type: 'setLayout', choice: { preset: 'custom', layout } });
  });
}

export class DemoControls {
  private readonly box: Div;
  private readonly state: Selection<HTMLParagraphElement, unknown, null, undefined>;
  private rates: DemoRates;
  private readonly inputs = new Map<keyof DemoRates, Selection<HTMLInputElement, unknown, null, undefined>>();

  constructor(parent: HTMLElement, demo: DemoState, private readonly send: (m: FromRing) => void) {
    this.rates = { ...demo.rates };
    this.box = select(parent).append('div').attr('class', 'demo-controls');
    this.box.append('h2').text('Ring-buffer demo');
    this.state = this.box.append('p').attr('class', 'muted').attr('id', 'demo-state');
    const slider = (key: keyof DemoRates, text: string, max: number, step: number) => {
      const row = this.box.append('label').attr('class', 'demo-row').text(`${text} `);
      const input = row.append('input').attr('type', 'range').attr('min', 0).attr('max', max).attr('step', step)
        .attr('id', `demo-${key}`).property('value', String(this.rates[key]));
      const out = row.append('output').attr('for', `demo-${key}`).text(this.fmt(key, this.rates[key]));
      input.on('input', () => {
        const v = Number(input.property('value'));
        this.rates = { ...this.rates, [key]: v };
        out.text(this.fmt(key, v));
        this.sendRates();
      });
      this.inputs.set(key, input);
    };
    slider('producer', 'Producer rate', Math.min(MAX_DEMO_RATE, 40000), 100);
    slider('consumer', 'Consumer rate', Math.min(MAX_DEMO_RATE, 40000), 100);
    slider('burstiness', 'Burstiness', 1, 0.05);
    this.box.append('button').attr('id', 'demo-stop').text('Stop demo').on('click', () => this.send({ type: 'demoStop' }));
    this.update(demo);
  }

  private fmt(key: keyof DemoRates, v: number): string {
    return key === 'burstiness' ? `${Math.round(v * 100)} %` : `${v} B/s`;
  }

  // Rates go out at most every 100 ms while a slider is dragged.
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sendRates(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.send({ type: 'demoRates', rates: this.rates });
    }, 100);
  }

  update(d: DemoState): void {
    this.state.text(d.running ? `Running: producer pid ${d.pids[0] ?? '?'}, consumer pid ${d.pids[1] ?? '?'}, segment ${d.name}` : `Stopped; segment ${d.name} removed.`);
    this.box.selectAll('input, #demo-stop').property('disabled', !d.running);
  }
}
