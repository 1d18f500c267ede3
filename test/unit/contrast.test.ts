import { strict as assert } from 'node:assert';
import { contrast, cssRgb, over, parseRgb, readableOn, type Rgba, MIN_CONTRAST } from '../../webview/shared/contrast';

const DARK_MODERN_BG: Rgba = [31, 31, 31, 1]; // editor.background of Dark Modern (#1f1f1f)
// What Dark Modern leaves --vscode-charts-orange to: the find-match highlight, a translucent orange (#ea5c0055).
const TRANSLUCENT_ORANGE: Rgba = [234, 92, 0, 0x55 / 255];

describe('chart colours readable on the theme background', () => {
  it('a translucent, dim theme colour (Dark Modern\'s charts.orange) becomes opaque, lighter, same hue', () => {
    const seen = over(TRANSLUCENT_ORANGE, DARK_MODERN_BG);
    assert.ok(contrast(seen, DARK_MODERN_BG) < 2, `as painted: ${contrast(seen, DARK_MODERN_BG).toFixed(2)}`);
    const out = readableOn(TRANSLUCENT_ORANGE, DARK_MODERN_BG);
    assert.equal(out[3], 1);
    assert.ok(contrast(out, DARK_MODERN_BG) >= MIN_CONTRAST, `readable: ${contrast(out, DARK_MODERN_BG).toFixed(2)}`);
    assert.ok(out[0] > out[1] && out[1] > out[2], `still an orange: ${cssRgb(out)}`);
    assert.ok(out.slice(0, 3).every((v) => Number.isInteger(v) && v >= 0 && v <= 255), cssRgb(out));
  });

  it('a colour that already contrasts comes back unchanged', () => {
    const blue: Rgba = [87, 163, 248, 1]; // 2026 Dark's charts.blue
    assert.deepEqual(readableOn(blue, [18, 19, 20, 1]), blue);
  });

  it('on a light background a pale colour is darkened instead', () => {
    const white: Rgba = [255, 255, 255, 1];
    const paleYellow: Rgba = [224, 185, 127, 1];
    assert.ok(contrast(paleYellow, white) < MIN_CONTRAST);
    const out = readableOn(paleYellow, white);
    assert.ok(contrast(out, white) >= MIN_CONTRAST, cssRgb(out));
    assert.ok(out[0] < paleYellow[0] && out[2] < paleYellow[2], `darker: ${cssRgb(out)}`);
  });

  it('a fully transparent colour still ends up visible', () => {
    const out = readableOn([0, 0, 0, 0], DARK_MODERN_BG);
    assert.ok(contrast(out, DARK_MODERN_BG) >= MIN_CONTRAST, cssRgb(out));
  });

  it('parses what getComputedStyle gives, and nothing else', () => {
    assert.deepEqual(parseRgb('rgb(1, 2, 3)'), [1, 2, 3, 1]);
    assert.deepEqual(parseRgb(' rgba(234, 92, 0, 0.333) '), [234, 92, 0, 0.333]);
    assert.deepEqual(parseRgb('rgb(1 2 3 / 50%)'), [1, 2, 3, 0.5]);
    for (const bad of ['', '#fff', 'red', 'rgb(1, 2)', 'rgb(a, b, c)', 'rgba(1, 2, 3, x)', 'rgb(1, 2, 3) ; color: red']) {
      assert.equal(parseRgb(bad), null, bad);
    }
    assert.equal(cssRgb([1, 2, 3, 1]), 'rgb(1, 2, 3)');
  });
});
