// The yardstick of the query benchmark: a bare node:http server that reads a JSON body, parses it,
// and answers with the bytes stored for it (sent by the parent process), as fast as Node.js can;
// with `headers`, it sends those too (nswg's security headers, so that both send the same bytes).
import { createServer } from 'node:http';

process.once('message', ({ answers, headers = {} }) => {
  const table = new Map(Object.entries(answers).map(([body, text]) => [body, Buffer.from(text)]));
  const notFound = Buffer.from('{"error":"unknown query"}');
  createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      JSON.parse(body);
      const answer = table.get(body) ?? notFound;
      res.writeHead(answer === notFound ? 404 : 200, {
        ...headers,
        'content-type': 'application/json; charset=utf-8',
        'content-length': answer.length,
      });
      res.end(answer);
    });
  }).listen(0, '127.0.0.1', function () {
    process.send({ port: this.address().port });
  });
});
