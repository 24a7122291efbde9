// A worker that behaves as the server's worker does towards its supervisor (it says when it
// listens, and stops on a signal message), then fails as workerData.fail says, for real: runs out
// of memory, throws, exits, or cannot start.
import { parentPort, workerData } from 'node:worker_threads';

const { fail, afterMs = 0, listenAfterMs = 0, port } = workerData;

/** Allocates in small steps, as a server leaking a little per request would, until the heap limit. */
function runOutOfMemory() {
  const hog = [];
  setInterval(() => {
    for (let i = 0; i < 2000; i++) hog.push({ i, text: `entry ${i} ${hog.length}` });
  }, 1);
}

function failNow() {
  if (fail === 'oom') runOutOfMemory();
  else if (fail === 'throw')
    throw Object.assign(new Error('an uncaught failure in the worker'), { code: 'E_TEST_FAILURE' });
  else if (fail === 'exit') process.exit(3);
}

parentPort.on('message', (m) => {
  if (m.signal) setTimeout(() => process.exit(0), 10);
});
if (fail === 'start') {
  parentPort.postMessage({
    error: { name: 'NswgError', code: 'E_DB_CONNECT', message: 'cannot open the database' },
  });
} else if (fail === 'oom-before-listening') {
  runOutOfMemory();
} else {
  setTimeout(() => {
    parentPort.postMessage({ listening: { port: port ?? 4242 } });
    if (fail) setTimeout(failNow, afterMs);
  }, listenAfterMs);
}
