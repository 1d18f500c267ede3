// Canvas renderer of the topology graph: d3-force for layout, d3-zoom for zoom and pan, one batched path
// per kind so 1 000+ nodes draw in a few milliseconds. Canvas text (fillText) is never parsed as markup.

import { watchChartColours } from '../lib/chartColours';
import {
  forceLink, forceManyBody, forceSimulation, forceX, forceY, scaleQuantize, select, zoom, zoomIdentity,
  type Simulation, type SimulationLinkDatum, type SimulationNodeDatum, type ZoomTransform,
} from 'd3';
import type { NodeKind, TopoLink, TopoNode } from '../shared/topologyProtocol';

export interface GNode extends SimulationNodeDatum, TopoNode {}
export interface GLink extends SimulationLinkDatum<GNode> {
  kind: TopoLink['kind'];
  fill: number | null;
}

/** Colour variable per kind; shape adds a second encoding (processes are squares). */
export const KIND_VAR: Record<NodeKind, string> = {
  process: '--vscode-charts-foreground', pipe: '--vscode-charts-blue', fifo: '--vscode-charts-blue',
  unix: '--vscode-charts-green', tcp: '--vscode-charts-orange', udp: '--vscode-charts-orange',
  'posix-shm': '--vscode-charts-purple', 'sysv-shm': '--vscode-charts-purple', memfd: '--vscode-charts-purple',
  'posix-mq': '--vscode-charts-yellow', 'sysv-msg': '--vscode-charts-yellow', 'posix-sem': '--vscode-charts-red',
  'sysv-sem': '--vscode-charts-red', eventfd: '--vscode-charts-red', signalfd: '--vscode-charts-red',
};
const FALLBACK = '#888';
/** Link widths in screen pixels by queue fill (0 to 1), in five steps so links are drawn in five batches. */
const LINK_WIDTHS = [1, 2.5, 4, 5.5, 7];
const linkWidth = scaleQuantize<number>().domain([0, 1]).range(LINK_WIDTHS);
/** Process names drawn at most (those in view): more would be a smear of text. */
const MAX_PROCESS_LABELS = 60;

const reduceMotion = () => window.matchMedia('(prefers-reduced-motion: reduce)').matches;

export class TopologyGraph {
  private readonly ctx: CanvasRenderingContext2D;
  private nodes: GNode[] = [];
  private links: GLink[] = [];
  private readonly sim: Simulation<GNode, GLink>;
  private transform: ZoomTransform = zoomIdentity;
  private colours = new Map<string, string>();
  private pending = false;
  private width = 800;
  private height = 600;
  private matches: Set<string> | null = null;
  /** The user zoomed or panned: layouts that settle no longer refit the view. */
  private userMoved = false;
  /** When fit() last ran (performance.now()). */
  private lastFit = 0;
  /** Nodes grouped by colour variable, rebuilt with the data (not per frame). */
  private byVar = new Map<string, GNode[]>();
  hovered: GNode | null = null;
  /** Frames drawn, for diagnostics. */
  frames = 0;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly onHover: (n: GNode | null) => void, onClick: (n: GNode) => void) {
    this.ctx = canvas.getContext('2d')!;
    // A faster cooling than d3's default (~200 ticks instead of 300): the layout settles sooner, so the page
    // spends less time computing forces on big graphs.
    this.sim = forceSimulation<GNode, GLink>()
      .alphaDecay(0.035)
      .force('link', forceLink<GNode, GLink>().id((d) => d.id).distance(24).strength(0.6))
      // Coarser Barnes-Hut (theta 1.2) and a shorter reach: a third less work per tick at 1 000 nodes.
      .force('charge', forceManyBody<GNode>().strength(-24).theta(1.2).distanceMax(200))
      .force('x', forceX<GNode>(0).strength(0.04))
      .force('y', forceY<GNode>(0).strength(0.04))
      // The whole graph is kept in view while it lays out (every 400 ms) and once it settles, until the user zooms,
      // pans or centres a node. (On 'end' alone it never fitted on a busy machine: each new snapshot restarted the
      // layout before it settled.)
      .on('tick', () => {
        this.schedule();
        const now = performance.now();
        if (!this.userMoved && now - this.lastFit > 400) this.fit();
      })
      .on('end', () => {
        if (!this.userMoved) this.fit();
      });
    const z = zoom<HTMLCanvasElement, unknown>().scaleExtent([0.05, 12]).on('zoom', (e: { transform: ZoomTransform; sourceEvent: unknown }) => {
      this.transform = e.transform;
      // (A gesture has a source event; fit() and focusNode() do not.)
      if (e.sourceEvent) this.userMoved = true;
      this.schedule();
    });
    select(canvas).call(z).on('dblclick.zoom', null);
    this.zoomBehaviour = z;
    select(canvas)
      .on('mousemove', (e: MouseEvent) => {
        const n = this.nodeAt(e.offsetX, e.offsetY);
        if (n !== this.hovered) {
          this.hovered = n;
          this.onHover(n);
          this.schedule();
        }
      })
      .on('mouseleave', () => {
        this.hovered = null;
        this.onHover(null);
        this.schedule();
      })
      .on('click', (e: MouseEvent) => {
        const n = this.nodeAt(e.offsetX, e.offsetY);
        if (n) onClick(n);
      });
    // The kind colours as made readable on this theme's background (lib/chartColours.ts), read again after
    // every theme change, once the readable ones are published.
    watchChartColours(() => {
      this.readColours();
      this.schedule();
    });
    this.readColours();
    this.resize();
  }

  private readonly zoomBehaviour: ReturnType<typeof zoom<HTMLCanvasElement, unknown>>;

  private readColours(): void {
    const cs = getComputedStyle(document.documentElement);
    const body = getComputedStyle(document.body);
    const readable = (v: string) => (v.startsWith('--vscode-charts-') ? body.getPropertyValue(`--ipc-charts-${v.slice('--vscode-charts-'.length)}`).trim() : '');
    const get = (v: string) => readable(v) || cs.getPropertyValue(v).trim() || body.getPropertyValue(v).trim();
    this.colours = new Map(Object.values(KIND_VAR).concat(['--vscode-foreground', '--vscode-descriptionForeground',
      '--vscode-focusBorder', '--vscode-editor-background', '--vscode-charts-lines']).map((v) => [v, get(v) || FALLBACK]));
  }

  private colour(v: string): string {
    return this.colours.get(v) ?? FALLBACK;
  }

  resize(): void {
    const r = this.canvas.getBoundingClientRect();
    this.width = Math.max(200, r.width);
    this.height = Math.max(200, r.height);
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(this.width * dpr);
    this.canvas.height = Math.round(this.height * dpr);
    this.schedule();
  }

  /** Replace the data, keeping the positions of nodes that stay. */
  setData(nodes: readonly TopoNode[], links: readonly TopoLink[]): void {
    const old = new Map(this.nodes.map((n) => [n.id, n]));
    let added = 0;
    this.nodes = nodes.map((n) => {
      const o = old.get(n.id);
      if (o) return Object.assign(o, n);
      added++;
      return { ...n };
    });
    this.links = links.map((l) => ({ source: l.source, target: l.target, kind: l.kind, fill: l.fill }));
    this.byVar = new Map();
    for (const n of this.nodes) {
      const v = KIND_VAR[n.kind];
      const a = this.byVar.get(v);
      if (a) a.push(n);
      else this.byVar.set(v, [n]);
    }
    this.sim.nodes(this.nodes);
    this.sim.force<ReturnType<typeof forceLink<GNode, GLink>>>('link')!.links(this.links);
    const changed = added > 0 || old.size !== this.nodes.length;
    if (reduceMotion()) {
      // No animation: settle the layout off screen, then draw once.
      this.sim.stop();
      if (changed) this.sim.alpha(1).tick(Math.min(300, Math.ceil(40000 / Math.max(1, this.nodes.length))));
      if (changed && !this.userMoved) this.fit();
      this.schedule();
    } else if (changed) this.sim.alpha(old.size ? 0.5 : 1).restart();
    else this.schedule();
  }

  setSearch(ids: Set<string> | null): void {
    this.matches = ids;
    this.schedule();
  }

  /** Centre a node and highlight it (from the keyboard list). */
  focusNode(id: string): void {
    const n = this.nodes.find((x) => x.id === id);
    if (!n || n.x === undefined || n.y === undefined) return;
    const k = Math.max(this.transform.k, 1.5);
    this.userMoved = true; // the user asked for this node: later layouts keep it in view (Fit refits)
    // draw() already puts the graph's origin at the canvas centre: the node lands there at -n * k.
    select(this.canvas).call(this.zoomBehaviour.transform, zoomIdentity.translate(-n.x * k, -n.y * k).scale(k));
    this.hovered = n;
    this.onHover(n);
  }

  /** Zoom so every node is in view (origin at the canvas centre, as in draw()); the Fit button also lets later layouts refit. */
  fit(byUser = false): void {
    if (byUser) this.userMoved = false;
    this.lastFit = performance.now();
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const n of this.nodes) {
      if (n.x === undefined || n.y === undefined) continue;
      x0 = Math.min(x0, n.x); x1 = Math.max(x1, n.x); y0 = Math.min(y0, n.y); y1 = Math.max(y1, n.y);
    }
    if (!Number.isFinite(x0)) return;
    const k = Math.max(0.05, Math.min(12, 0.9 * Math.min(this.width / Math.max(1, x1 - x0), this.height / Math.max(1, y1 - y0))));
    select(this.canvas).call(this.zoomBehaviour.transform, zoomIdentity.translate(-((x0 + x1) / 2) * k, -((y0 + y1) / 2) * k).scale(k));
  }

  private nodeAt(px: number, py: number): GNode | null {
    const [x, y] = this.transform.invert([px - this.width / 2, py - this.height / 2]);
    return this.sim.find(x, y, 10 / this.transform.k) ?? null;
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  private draw(): void {
    this.frames++;
    const c = this.ctx;
    const dpr = window.devicePixelRatio || 1;
    c.setTransform(dpr, 0, 0, dpr, 0, 0);
    c.clearRect(0, 0, this.width, this.height);
    c.translate(this.width / 2 + this.transform.x, this.height / 2 + this.transform.y);
    c.scale(this.transform.k, this.transform.k);
    const k = this.transform.k;
    const dim = this.matches !== null;
    // Links, batched by width bucket (edge thickness = queue fill).
    c.strokeStyle = this.colour('--vscode-charts-lines') === FALLBACK ? this.colour('--vscode-descriptionForeground') : this.colour('--vscode-charts-lines');
    c.globalAlpha = dim ? 0.15 : 0.5;
    for (const width of LINK_WIDTHS) {
      c.beginPath();
      for (const l of this.links) {
        if (linkWidth(l.fill ?? 0) !== width || l.kind === 'peer') continue;
        const s = l.source as GNode;
        const t = l.target as GNode;
        c.moveTo(s.x!, s.y!);
        c.lineTo(t.x!, t.y!);
      }
      c.lineWidth = width / k;
      c.stroke();
    }
    c.setLineDash([4 / k, 3 / k]);
    c.lineWidth = 1.5 / k;
    c.beginPath();
    for (const l of this.links) {
      if (l.kind !== 'peer') continue;
      c.moveTo((l.source as GNode).x!, (l.source as GNode).y!);
      c.lineTo((l.target as GNode).x!, (l.target as GNode).y!);
    }
    c.stroke();
    c.setLineDash([]);
    // Nodes, one path per colour.
    for (const [v, ns] of this.byVar) {
      c.fillStyle = this.colour(v);
      for (const pass of dim ? [false, true] : [true]) {
        c.globalAlpha = pass ? 1 : 0.2;
        c.beginPath();
        for (const n of ns) {
          if (dim && this.matches!.has(n.id) !== pass) continue;
          const r = (n.kind === 'process' ? 4.5 : 3) * (pass && dim ? 1.6 : 1);
          if (n.kind === 'process') c.rect(n.x! - r, n.y! - r, r * 2, r * 2);
          else {
            c.moveTo(n.x! + r, n.y!);
            c.arc(n.x!, n.y!, r, 0, Math.PI * 2);
          }
        }
        c.fill();
      }
    }
    c.globalAlpha = 1;
    // Labels only where they help: the processes in view (when few enough), the hovered node and (a few) search matches.
    c.fillStyle = this.colour('--vscode-foreground');
    c.font = `${11 / k}px sans-serif`;
    const label = (n: GNode) => c.fillText(n.label.length > 60 ? `${n.label.slice(0, 59)}…` : n.label, n.x! + 7 / k, n.y! + 3 / k);
    if (!dim) this.labelProcesses(label);
    else {
      this.setLabelCount(0);
      if (this.matches!.size <= 50) for (const n of this.nodes) if (this.matches!.has(n.id)) label(n);
    }
    if (this.hovered) {
      const h = this.hovered;
      c.strokeStyle = this.colour('--vscode-focusBorder');
      c.lineWidth = 2 / k;
      c.beginPath();
      c.arc(h.x!, h.y!, 8 / k + 4, 0, Math.PI * 2);
      c.stroke();
      label(h);
    }
  }

  /**
   * The processes' names ("node 9272"), which anchor the picture, where they fit: those in view, at most
   * MAX_PROCESS_LABELS of them (a zoomed-out graph of hundreds of processes would be a smear of text).
   */
  private labelProcesses(label: (n: GNode) => void): void {
    const k = this.transform.k;
    const [x0, y0] = this.transform.invert([-this.width / 2, -this.height / 2]);
    const [x1, y1] = this.transform.invert([this.width / 2, this.height / 2]);
    const shown: GNode[] = [];
    for (const n of this.nodes) {
      if (n.kind !== 'process' || n.x! < x0 || n.x! > x1 || n.y! < y0 || n.y! > y1) continue;
      shown.push(n);
      if (shown.length > MAX_PROCESS_LABELS) break;
    }
    if (shown.length > MAX_PROCESS_LABELS) {
      this.setLabelCount(0);
      return;
    }
    this.ctx.fillStyle = this.colour('--vscode-descriptionForeground');
    this.ctx.font = `${10 / k}px sans-serif`;
    // A name that would overlap one already drawn is left out (hovering the square still shows it).
    const taken: [number, number, number, number][] = [];
    for (const n of shown) {
      const w = this.ctx.measureText(n.label.length > 60 ? `${n.label.slice(0, 59)}…` : n.label).width * k;
      const x = n.x! * k + 7;
      const y = n.y! * k - 8;
      if (taken.some(([a, b, c, d]) => x < c && x + w > a && y < d && y + 12 > b)) continue;
      taken.push([x, y, x + w, y + 12]);
      label(n);
    }
    // (How many names are drawn, for tests: the canvas itself holds no text to query.)
    this.setLabelCount(taken.length);
    this.ctx.fillStyle = this.colour('--vscode-foreground');
    this.ctx.font = `${11 / k}px sans-serif`;
  }

  /** (Written only when it changes: a DOM write per frame could cost a style pass.) */
  private setLabelCount(n: number): void {
    if (this.canvas.dataset['processLabels'] !== String(n)) this.canvas.dataset['processLabels'] = String(n);
  }

  get count(): { nodes: number; links: number } {
    return { nodes: this.nodes.length, links: this.links.length };
  }
}
