// What an attachment may be (docs/disclosure-policy.md, "Attachments"): typed by its bytes, consistent
// with its name, never markup a browser would render, never a name a browser or Windows would open.
import { describe, expect, it } from 'vitest';
import { checkAttachment, markupStart, sniffContentType } from './imports.js';
import { isNswgErrorLike } from './report-imports.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]);
const ZIP = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 20, 0]);
const GZIP = Uint8Array.from([0x1f, 0x8b, 8, 0]);
const PDF = bytes('%PDF-1.7\n');
const POC_JS = bytes(
  'const { merge } = require(\'poc-widget\');\n// the payload is markup in a string: the file is still a script\nmerge({}, JSON.parse(\'{"__proto__":{"x":"<script>alert(1)</script>"}}\'));\n',
);

/** Why `checkAttachment` refuses a file, or null when it takes it. */
function refusal(name: string, b: Uint8Array): string | null {
  try {
    checkAttachment(name, b);
    return null;
  } catch (e) {
    if (!isNswgErrorLike(e)) throw e;
    expect(e.code).toBe('E_ATTACHMENT');
    expect(e.field).toBe('file');
    return e.message;
  }
}

describe('attachments: typed by their bytes and consistent with their name', () => {
  it('takes each accepted kind under a name that says it, or under no telling name', () => {
    const ok: [string, Uint8Array, string][] = [
      ['shot.png', PNG, 'image/png'],
      ['SHOT.PNG', PNG, 'image/png'],
      ['photo.jpeg', JPEG, 'image/jpeg'],
      ['photo.jpg', JPEG, 'image/jpeg'],
      ['poc.zip', ZIP, 'application/zip'],
      ['poc.tar.gz', GZIP, 'application/gzip'],
      ['poc.tgz', GZIP, 'application/gzip'],
      ['paper.pdf', PDF, 'application/pdf'],
      ['poc.js', POC_JS, 'text/plain; charset=utf-8'],
      ['poc.txt', POC_JS, 'text/plain; charset=utf-8'],
      [
        'exploit.sh',
        bytes('#!/bin/sh\ncurl -s http://127.0.0.1:3000/?q=%3Cscript%3E\n'),
        'text/plain; charset=utf-8',
      ],
      [
        'template.ejs',
        bytes('<%= process.mainModule.require("child_process") %>\n'),
        'text/plain; charset=utf-8',
      ],
      ['Dockerfile', bytes('FROM node:24\n'), 'text/plain; charset=utf-8'],
      ['screenshot', PNG, 'image/png'],
    ];
    for (const [name, b, type] of ok) {
      expect(refusal(name, b), name).toBeNull();
      expect(checkAttachment(name, b).contentType, name).toBe(type);
    }
    expect(checkAttachment('../../etc/shot.png', PNG).filename).toBe('shot.png');
  });

  it('refuses HTML, SVG and XML under any name, by the WHATWG signatures after blank space', () => {
    const markup = [
      '<!DOCTYPE html><p>hi',
      '<html><script>alert(document.cookie)</script></html>',
      '  \n\t<HTML>',
      '<script>alert(1)</script>',
      '<iframe src="https://evil.example">',
      '<body onload=alert(1)>',
      '<!-- a comment first --><script>alert(1)</script>',
      '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
      '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
      '\ufeff<img src=x onerror=alert(1)>',
      '<a href="javascript:alert(1)">x</a>',
    ];
    for (const text of markup)
      for (const name of ['shot.png', 'poc.txt', 'poc.js', 'notes', 'photo.jpg']) {
        const why = refusal(name, bytes(text));
        expect(why, `${name}: ${text}`).toMatch(/markup a browser would render/);
        expect(why).toContain(`"${name}"`);
      }
    expect(refusal('shot.png', bytes('<html><script>alert(1)</script>'))).toBe(
      '"shot.png" is refused: it is markup a browser would render (it begins with "<html"): HTML, SVG and XML are refused under any name; send it inside a ZIP archive',
    );
    // HTML with a byte that is not text is still HTML to a sniffing browser
    expect(refusal('shot.png', bytes('<html><script>alert(1)</script>\u0000'))).toMatch(/markup/);
    expect(markupStart(bytes('<!DOCTYPE html>'))).toBe('<!DOCTYPE');
    expect(markupStart(bytes('\n<?xml version="1.0"?>'))).toBe('<?xml');
    expect(markupStart(bytes('const a = "<html>";'))).toBeNull();
    expect(markupStart(bytes('1 < 2'))).toBeNull();
    expect(sniffContentType(bytes('<svg/>'))).toBeNull();
  });

  it('refuses names a browser opens as a page, or Windows runs, whatever the bytes', () => {
    for (const name of ['page.html', 'page.HTM', 'x.xhtml', 'x.svg', 'x.xml', 'page.html.', 'page.html . '])
      expect(refusal(name, bytes('just text\n')), name).toMatch(/a browser opens \.\w+ files as a page/);
    for (const name of ['run.bat', 'run.cmd', 'run.ps1', 'run.vbs', 'x.hta', 'x.jar'])
      expect(refusal(name, name.endsWith('.jar') ? ZIP : bytes('echo hi\n')), name).toMatch(
        /Windows runs \.\w+ files/,
      );
  });

  it('refuses a name that claims another kind than the bytes are', () => {
    expect(refusal('shot.png', bytes('not an image\n'))).toBe(
      '"shot.png" is refused: its name says a PNG image but its bytes are plain text',
    );
    expect(refusal('shot.png', JPEG)).toMatch(/says a PNG image but its bytes are a JPEG image/);
    expect(refusal('poc.zip', PDF)).toMatch(/says a ZIP archive but its bytes are a PDF document/);
    expect(refusal('poc.js', PNG)).toMatch(/says plain text but its bytes are a PNG image/);
    expect(refusal('clip.mp4', GZIP)).toMatch(/says an MP4 video/);
  });

  it('refuses what is no accepted kind, empty or too large, naming the file', () => {
    expect(refusal('x.bin', Uint8Array.from([0, 1, 2, 0xff]))).toMatch(
      /^"x\.bin" is refused: this kind of file is not accepted/,
    );
    expect(refusal('app.exe', Uint8Array.from([0x4d, 0x5a, 0x90, 0]))).toMatch(/Windows runs \.exe files/);
    expect(refusal('x.txt', new Uint8Array())).toBe('"x.txt" is refused: the file is empty');
    expect(refusal('big.zip', new Uint8Array(10 * 1024 * 1024 + 1))).toMatch(/limited to 10 MiB/);
  });
});
