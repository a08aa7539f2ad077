#!/usr/bin/env node
// Draws the four tab-bar icons (normal + selected) and the empty/error/offline illustrations as
// small PNGs with no dependencies: WeChat requires local iconPath files, and NutUI's Empty would
// otherwise fetch its pictures from a third-party CDN. The output is committed; run again only
// to change the drawings: node miniprogram/scripts/generate-icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SAMPLES = 4; // 4×4 supersampling for smooth edges
const assetsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'assets');

// Shapes work in a unit square (0..1); each returns true where the pixel is ink.
const rect = (x0, y0, x1, y1) => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const ring = (cx, cy, r, w) => (x, y) => {
  const d = Math.hypot(x - cx, y - cy);
  return d <= r && d >= r - w;
};
const frame = (x0, y0, x1, y1, w) => (x, y) =>
  rect(x0, y0, x1, y1)(x, y) && !rect(x0 + w, y0 + w, x1 - w, y1 - w)(x, y);
const union = (...fs) => (x, y) => fs.some((f) => f(x, y));
const minus = (a, b) => (x, y) => a(x, y) && !b(x, y);
// Roof: the band between two similar triangles pointing up.
const roof = (cx, top, halfWidth, height, w) => (x, y) => {
  const inside = (t, hw, h) => y >= t && y <= t + h && Math.abs(x - cx) <= ((y - t) / h) * hw;
  return inside(top, halfWidth, height) && !inside(top + w * 1.6, halfWidth - w * 1.2, height);
};

const W = 0.075; // stroke width
const icons = {
  home: union(
    roof(0.5, 0.12, 0.4, 0.36, W),
    minus(frame(0.2, 0.44, 0.8, 0.88, W), rect(0.2 + W, 0.44, 0.8 - W, 0.44 + W)),
    rect(0.42, 0.64, 0.58, 0.88),
  ),
  appointments: union(
    frame(0.12, 0.2, 0.88, 0.88, W),
    rect(0.12, 0.2, 0.88, 0.36),
    rect(0.28, 0.1, 0.28 + W, 0.28),
    rect(0.72 - W, 0.1, 0.72, 0.28),
    rect(0.26, 0.48, 0.38, 0.58),
    rect(0.44, 0.48, 0.56, 0.58),
    rect(0.62, 0.48, 0.74, 0.58),
    rect(0.26, 0.66, 0.38, 0.76),
    rect(0.44, 0.66, 0.56, 0.76),
  ),
  reports: union(
    minus(frame(0.18, 0.1, 0.82, 0.9, W), (x, y) => x + (0.1 - y) > 0.82 - 0.22 + W && y < 0.32),
    (x, y) => Math.abs(x - y - (0.82 - 0.22 - 0.1)) <= W * 0.75 && x >= 0.6 && x <= 0.82,
    rect(0.3, 0.38, 0.7, 0.38 + W),
    rect(0.3, 0.54, 0.7, 0.54 + W),
    rect(0.3, 0.7, 0.56, 0.7 + W),
  ),
  me: union(
    ring(0.5, 0.32, 0.19, W),
    (x, y) => {
      const d = Math.hypot((x - 0.5) / 0.36, (y - 0.92) / 0.36);
      return y <= 0.9 && d <= 1 && d >= 1 - W / 0.36;
    },
    rect(0.14, 0.9 - W, 0.86, 0.9),
  ),
};

const colours = { normal: [0x8a, 0x90, 0x99], active: [0x16, 0x68, 0xb8] };

// State illustrations (NutUI Empty `image`), drawn in a soft grey-blue.
const states = {
  // An open tray: nothing here.
  empty: union(
    frame(0.2, 0.42, 0.8, 0.78, 0.05),
    rect(0.2, 0.42, 0.38, 0.56),
    rect(0.62, 0.42, 0.8, 0.56),
    rect(0.47, 0.18, 0.53, 0.34),
    (x, y) => Math.abs(x - 0.3 - (y - 0.2) * 0.6) < 0.03 && y > 0.22 && y < 0.34,
    (x, y) => Math.abs(x - 0.7 + (y - 0.2) * 0.6) < 0.03 && y > 0.22 && y < 0.34,
  ),
  // A ring with an exclamation mark: something went wrong.
  error: union(ring(0.5, 0.5, 0.34, 0.06), rect(0.465, 0.3, 0.535, 0.56), circle(0.5, 0.66, 0.045)),
  // Signal arcs crossed out: no network.
  network: union(
    (x, y) => {
      const d = Math.hypot(x - 0.5, y - 0.72);
      return y < 0.7 && ((d <= 0.44 && d >= 0.38) || (d <= 0.3 && d >= 0.24)) && Math.abs(x - 0.5) < (0.72 - y) * 1.1;
    },
    circle(0.5, 0.72, 0.07),
    (x, y) => Math.abs(x - y) < 0.035 && x > 0.2 && x < 0.82,
  ),
};

function crcTable() {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}
const CRC = crcTable();
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png(shape, [r, g, b], size) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let py = 0; py < size; py++) {
    const row = py * (size * 4 + 1);
    raw[row] = 0; // filter: none
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          if (shape((px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size)) hits++;
        }
      }
      const o = row + 1 + px * 4;
      raw[o] = r;
      raw[o + 1] = g;
      raw[o + 2] = b;
      raw[o + 3] = Math.round((hits / (SAMPLES * SAMPLES)) * 255);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function write(dir, name, data) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, data);
  process.stdout.write(`${file} ${data.length} B\n`);
}

for (const [name, shape] of Object.entries(icons)) {
  for (const [variant, colour] of Object.entries(colours)) {
    // WeChat recommends 81×81 px tab icons.
    write(join(assetsDir, 'tabbar'), variant === 'active' ? `${name}-active.png` : `${name}.png`, png(shape, colour, 81));
  }
}
for (const [name, shape] of Object.entries(states)) {
  write(join(assetsDir, 'states'), `${name}.png`, png(shape, [0xa8, 0xb8, 0xcc], 160));
}
