// Preloaded into `nswg serve` by a test (NODE_OPTIONS=--require, which Node.js also runs in worker
// threads): in the server's worker only, once the file named by NSWG_TEST_FAULT_FILE appears, it
// takes the file (so that the next worker does not see it) and runs the worker out of memory for
// real, allocating a little at a time as a leak would.
const fs = require('node:fs');
const { isMainThread } = require('node:worker_threads');

const file = process.env.NSWG_TEST_FAULT_FILE;
if (!isMainThread && file) {
  const watch = setInterval(() => {
    try {
      fs.renameSync(file, `${file}.taken`);
    } catch {
      return;
    }
    clearInterval(watch);
    const hog = [];
    setInterval(() => {
      for (let i = 0; i < 5000; i++) hog.push({ i, text: `entry ${i} ${hog.length}` });
    }, 1);
  }, 20);
  watch.unref();
}
