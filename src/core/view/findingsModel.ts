// Pure view model of the "Findings" view: one node per finding, warnings first, with its object.

import type { Snapshot, Severity } from '../model';
import { findingInfo } from '../findingCodes';
import { escapeControl } from '../names';
import { objectLabel } from './treeModel';

export interface FindingNode {
  id: string;
  objectNodeId: string;
  severity: Severity;
  code: string;
  label: string;
  description: string;
  /** Markdown-free text: risk and fix, one per line; the message's machine names are control-escaped. */
  explanation: string;
}

export function buildFindings(s: Snapshot): FindingNode[] {
  const out: FindingNode[] = [];
  for (const o of s.objects) {
    for (const f of o.findings) {
      const info = findingInfo(f.code);
      out.push({
        id: `finding:${o.id}:${f.code}`,
        objectNodeId: `obj:${o.id}`,
        severity: f.severity,
        code: f.code,
        label: info.title,
        description: `${o.kind} ${objectLabel(o)}`,
        explanation: [escapeControl(f.message), info.risk && `Risk: ${info.risk}`, info.fix && `Fix: ${info.fix}`].filter(Boolean).join('\n'),
      });
    }
  }
  const rank = (x: Severity) => (x === 'warning' ? 0 : 1);
  return out.sort((a, b) => rank(a.severity) - rank(b.severity) || a.label.localeCompare(b.label) || a.id.localeCompare(b.id));
}
