// An HTTPS proxy for tests of clients that send requests to a hard-coded host (yarn 1 posts its
// audit to its own registry whatever --registry says): CONNECT requests for the hosts named are
// answered here, TLS is terminated with a throw-away certificate made by openssl, and the
// decrypted requests are forwarded to the server under test. Nothing is ever forwarded anywhere
// else: CONNECT to any other host is refused.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';

export interface TlsProxy {
  /** http://127.0.0.1:PORT, for the client's https-proxy setting. */
  url: string;
  /** What went through: `CONNECT host:port` and `METHOD https://host/path`, in order. */
  log: string[];
  close(): Promise<void>;
}

/** A self-signed certificate for the hosts (openssl CLI; valid two days). */
function throwawayCertificate(hosts: string[]): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'nswg-tls-'));
  try {
    const san = [...hosts.map((h) => `DNS:${h}`), 'IP:127.0.0.1'].join(',');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-subj',
        `/CN=${hosts[0]}`,
        '-addext',
        `subjectAltName=${san}`,
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts the proxy on a free loopback port: CONNECT to one of `hosts` reaches `target` (http://127.0.0.1:PORT). */
export async function tlsProxy(target: string, hosts: string[]): Promise<TlsProxy> {
  const { key, cert } = throwawayCertificate(hosts);
  const log: string[] = [];
  const to = new URL(target);
  const sockets = new Set<Socket>();
  // the decrypted requests: passed to the server under test as they are
  const inner = http.createServer((req, res) => {
    log.push(`${req.method} https://${req.headers.host}${req.url}`);
    const up = http.request(
      {
        host: to.hostname,
        port: to.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: to.host },
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', (e) => {
      res.writeHead(502);
      res.end(String(e));
    });
    req.pipe(up);
  });
  const outer = http.createServer((req, res) => {
    // plain proxied requests are not expected: refuse rather than forward anywhere
    log.push(`REFUSED ${req.method} ${req.url}`);
    res.writeHead(403);
    res.end('this test proxy only tunnels to the server under test');
  });
  outer.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  outer.on('connect', (req, socket: Socket, head: Buffer) => {
    const host = (req.url ?? '').replace(/:\d+$/, '');
    log.push(`CONNECT ${req.url}`);
    if (!hosts.includes(host)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) socket.unshift(head);
    const secure = new tls.TLSSocket(socket, { isServer: true, key, cert });
    secure.on('error', () => socket.destroy());
    inner.emit('connection', secure);
  });
  await new Promise<void>((resolve) => outer.listen(0, '127.0.0.1', resolve));
  const { port } = outer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => outer.close(() => resolve()));
      inner.close();
    },
  };
}
