/**
 * Renders the app icons in web/static/icons from icon.svg with resvg (a well-kept SVG
 * renderer, as WebAssembly from npm — nothing native to install). The PNGs are committed, so
 * builds need none of this; run `npm run icons -w web` after changing the SVG.
 *
 *   icon-192.png, icon-512.png    "any" purpose (the SVG's rounded square)
 *   maskable-512.png              full-bleed background, the mark inside the 80 % safe zone
 *   apple-touch-icon.png          180 × 180, full bleed (iOS rounds it itself)
 *   favicon-32.png                browser tabs that do not take the SVG
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initWasm, Resvg } from '@resvg/resvg-wasm';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'static', 'icons');
const svg = readFileSync(path.join(dir, 'icon.svg'), 'utf8');
// The same mark on a square background, shrunk to 70 % so a circular mask never cuts it.
const fullBleed = (scale: number) =>
  svg
    .replace(/<rect [^>]*\/>/, '<rect width="512" height="512" fill="#0369a1"/>')
    .replace(/(<path[\s\S]*<\/svg>)/, `<g transform="translate(256 256) scale(${scale}) translate(-256 -256)">$1`)
    .replace('</svg>', '</g></svg>');

const require = createRequire(import.meta.url);
await initWasm(readFileSync(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));

function render(source: string, size: number, file: string) {
  const png = new Resvg(source, { fitTo: { mode: 'width', value: size } }).render().asPng();
  writeFileSync(path.join(dir, file), png);
  console.log(`${file}: ${size}×${size}, ${png.length} bytes`);
}

render(svg, 192, 'icon-192.png');
render(svg, 512, 'icon-512.png');
render(fullBleed(0.7), 512, 'maskable-512.png');
render(fullBleed(0.85), 180, 'apple-touch-icon.png');
render(svg, 32, 'favicon-32.png');
