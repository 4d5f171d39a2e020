// Starts a real `publius serve` for an e2e test file and stops it again:
// a temp data dir, a free loopback port, the binary from PUBLIUS_BIN (or
// built here), accounts created with the admin command before start.
'use strict';

const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// start returns { base, log(), stop() }. accounts maps handles to
// passphrases; args are extra `publius serve` flags.
async function start({ prefix, accounts = {}, args = [] }) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  let bin = process.env.PUBLIUS_BIN;
  if (!bin) {
    bin = path.join(tmp, 'publius');
    execFileSync('go', ['build', '-o', bin, './cmd/publius'], { cwd: root, stdio: 'inherit' });
  }
  const data = path.join(tmp, 'data');
  for (const [name, pass] of Object.entries(accounts)) {
    execFileSync(bin, ['admin', 'account', 'create', name, '--passphrase-stdin', '--data', data], { input: pass + '\n' });
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let log = '';
  const server = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`, '--data', data, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.on('data', (d) => { log += d; });
  server.stderr.on('data', (d) => { log += d; });
  const stop = async () => {
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15000;
  for (;;) {
    try {
      if ((await fetch(base + '/healthz')).ok) break;
    } catch { /* not listening yet */ }
    if (server.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error('publius serve did not become healthy: ' + log);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, log: () => log, stop };
}

module.exports = { start };
