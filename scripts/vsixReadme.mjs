// The README the VSIX carries (scripts/package-vsix.mjs): pure, for a unit test.

/**
 * The README the VSIX carries: the repository's, without its screenshots. They stay in the repository (1.9 MB,
 * against a VSIX of 0.7 MB), and a relative image the VSIX does not hold would show broken on the extension's
 * page; there is no public repository URL to point them at. Tables of screenshots go whole, as do image lines.
 */
export function vsixReadme(text) {
  const shot = /!\[[^\]]*\]\(media\/screenshots\/[^)]*\)/;
  const blocks = text.split(/\n{2,}/);
  const kept = [];
  for (const block of blocks) {
    const lines = block.split('\n');
    // A table made of screenshots (with its header and separator rows): drop it.
    if (lines.every((l) => l.startsWith('|')) && lines.some((l) => shot.test(l))) continue;
    const rest = lines.filter((l) => !/^\s*!\[[^\]]*\]\([^)]*\)\s*$/.test(l) || !shot.test(l));
    if (rest.length) kept.push(rest.join('\n'));
  }
  return kept.join('\n\n').replace(/\n*$/, '\n');
}
