// The PNG charts' pixel font: every printable ASCII character has its own glyph of 8 rows × 5 cells,
// a character outside it draws as '?', and widths count 6 pixels a character less the last gap.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphRows, hasGlyph, textWidth } from '../../report/font';

test('printable ASCII: a glyph each, 8 rows of 5 cells; only the space is blank', () => {
  for (let code = 32; code < 127; code++) {
    const ch = String.fromCharCode(code);
    assert.ok(hasGlyph(ch), `"${ch}" has a glyph`);
    const rows = glyphRows(ch);
    assert.equal(rows.length, GLYPH_HEIGHT, `"${ch}" rows`);
    for (const r of rows) assert.match(r, new RegExp(`^[.#]{${GLYPH_WIDTH}}$`), `"${ch}" row "${r}"`);
    assert.equal(rows.join('').includes('#'), ch !== ' ', `"${ch}" ink`);
  }
});

test("a character the font lacks draws as '?'", () => {
  assert.equal(hasGlyph('×'), false);
  assert.deepEqual(glyphRows('×'), glyphRows('?'));
});

test('text width: 6 pixels a character, no gap after the last, times the scale', () => {
  assert.equal(textWidth(''), 0);
  assert.equal(textWidth('a'), 5);
  assert.equal(textWidth('0.25'), 23);
  assert.equal(textWidth('0.25', 2), 46);
});
