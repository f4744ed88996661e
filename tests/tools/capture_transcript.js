// Captures a CDP transcript from headless Chromium into a .jsonl file: every
// message the browser sent, one raw message per line, sessionId kept.
// Serves its own fixture site (redirect, Set-Cookie, fetch POST, cross-site
// iframe, websocket), so it needs nothing but Node 20 and Chromium.
//   node --experimental-websocket tests/tools/capture_transcript.js out.jsonl
'use strict';
const {spawn} = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const out = process.argv[2] || 'transcript.jsonl';
const chromium = process.env.CHROMIUM || '/usr/lib/chromium/chromium';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function page(body) { return `<!doctype html><html><body>${body}</body></html>`; }

function wsAccept(req, socket) {
  const key = crypto.createHash('sha1')
      .update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
               `Sec-WebSocket-Accept: ${key}\r\n\r\n`);
  const text = Buffer.from('ping from server');
  socket.write(Buffer.concat([Buffer.from([0x81, text.length]), text]));
  socket.on('data', (buf) => {  // close after the client's first frame
    if ((buf[0] & 0x0f) === 0x8) return socket.end(Buffer.from([0x88, 0]));
    socket.write(Buffer.from([0x88, 2, 0x03, 0xe8]));
  });
  socket.on('error', () => {});
}

function serve(port) {
  return (req, res) => {
    const url = new URL(req.url, 'http://x');
    const send = (status, type, body, headers = {}) => {
      res.writeHead(status, {'Content-Type': type, ...headers});
      res.end(body);
    };
    switch (url.pathname) {
      case '/start': return send(302, 'text/plain', '', {Location: '/index.html'});
      case '/index.html':
        return send(200, 'text/html', page(
            `<script src="/app.js"></script><img src="/pixel.gif">` +
            `<iframe src="http://localhost:${port}/frame.html"></iframe>`),
            {'Set-Cookie': ['session=abc; Path=/; SameSite=Lax', 'bad=1; Domain=example.com']});
      case '/app.js':
        return send(200, 'text/javascript', `
          function post() {
            return fetch('/api?x=1', {method: 'POST', body: 'hello=world',
                headers: {'Content-Type': 'application/x-www-form-urlencoded'}});
          }
          setTimeout(function later() {
            post().then(() => {
              report('posted');
              const ws = new WebSocket('ws://' + location.host + '/ws');
              ws.onmessage = () => ws.send('pong from page');
              ws.onclose = () => window.report && report('ws closed');
            });
          }, 10);`);
      case '/api':
        return send(200, 'application/json', '{"ok":true}',
                    {'Set-Cookie': ['api=1; SameSite=None', 'visits=2; Max-Age=3600; HttpOnly']});
      case '/frame.html':
        return send(200, 'text/html', page('<script>fetch("/frame-data.json")</script>'));
      case '/frame-data.json': return send(200, 'application/json', '[1,2,3]');
      case '/pixel.gif':
        return send(200, 'image/gif', Buffer.from('R0lGODlhAQABAAAAACw=', 'base64'));
      default: return send(404, 'text/plain', 'not found');
    }
  };
}

async function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-capture-'));
  const proc = spawn(chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--remote-debugging-port=0',
    `--user-data-dir=${profile}`, '--disable-background-networking', '--disable-component-update',
    '--no-first-run', '--disable-sync', '--remote-allow-origins=*', 'about:blank'], {stdio: 'ignore'});
  const portFile = path.join(profile, 'DevToolsActivePort');
  for (let i = 0; i < 200 && !fs.existsSync(portFile); i++) await sleep(50);
  const [port, wsPath] = fs.readFileSync(portFile, 'utf8').trim().split('\n');
  return {proc, profile, url: `ws://127.0.0.1:${port}${wsPath}`};
}

class Cdp {
  constructor(url, transcript) {
    this.ws = new WebSocket(url);
    this.nextId = 1;
    this.pending = new Map();
    this.handlers = [];
    this.ws.onmessage = (e) => {
      transcript.write(e.data + '\n');
      const msg = JSON.parse(e.data);
      if (msg.id && this.pending.has(msg.id)) {
        this.pending.get(msg.id)(msg);
        this.pending.delete(msg.id);
      } else if (msg.method) {
        for (const h of this.handlers) h(msg);
      }
    };
  }
  open() { return new Promise((r) => { this.ws.onopen = r; }); }
  send(method, params = {}, sessionId = undefined) {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({id, method, params, sessionId}));
    return new Promise((r) => this.pending.set(id, r));
  }
}

async function main() {
  const server = http.createServer();
  server.on('upgrade', wsAccept);
  await new Promise((r) => server.listen(0, r));
  const port = server.address().port;
  server.on('request', serve(port));
  const chrome = await launch();
  const transcript = fs.createWriteStream(out);
  const cdp = new Cdp(chrome.url, transcript);
  await cdp.open();
  try {
    await run(cdp, port);
  } finally {
    await new Promise((r) => transcript.end(r));
    chrome.proc.kill('SIGKILL');
    server.close();
    fs.rmSync(chrome.profile, {recursive: true, force: true});
    setTimeout(() => process.exit(0), 200);
  }
}

async function run(cdp, port) {
  // Pause every child target (OOPIF, worker) until its domains are enabled.
  cdp.handlers.push(async (msg) => {
    if (msg.method !== 'Target.attachedToTarget') return;
    const child = msg.params.sessionId;
    await cdp.send('Network.enable', {}, child);
    await cdp.send('Runtime.runIfWaitingForDebugger', {}, child);
  });
  cdp.handlers.push((msg) => {
    if (msg.method === 'Page.javascriptDialogOpening') {
      cdp.send('Page.handleJavaScriptDialog', {accept: true}, msg.sessionId);
    }
  });
  await cdp.send('Browser.getVersion');
  const ctx = (await cdp.send('Target.createBrowserContext')).result.browserContextId;
  const target = (await cdp.send('Target.createTarget', {url: 'about:blank', browserContextId: ctx}))
      .result.targetId;
  const s = (await cdp.send('Target.attachToTarget', {targetId: target, flatten: true})).result.sessionId;
  await cdp.send('Network.enable', {}, s);
  await cdp.send('Page.enable', {}, s);
  await cdp.send('Runtime.enable', {}, s);
  await cdp.send('Debugger.enable', {}, s);
  await cdp.send('Debugger.setAsyncCallStackDepth', {maxDepth: 32}, s);
  await cdp.send('Runtime.addBinding', {name: 'report'}, s);
  await cdp.send('Target.setAutoAttach', {autoAttach: true, waitForDebuggerOnStart: true, flatten: true}, s);
  const post = new Promise((r) => cdp.handlers.push((msg) => {
    if (msg.method === 'Network.requestWillBeSent' && msg.params.request.method === 'POST') r(msg.params.requestId);
  }));
  await cdp.send('Page.navigate', {url: `http://127.0.0.1:${port}/start#top`}, s);
  const postId = await post;
  await sleep(1500);
  await cdp.send('Network.getRequestPostData', {requestId: postId}, s);
  await cdp.send('Storage.getCookies', {browserContextId: ctx});
  await cdp.send('Runtime.evaluate', {expression: '({a: [1, "two"], b: null})', returnByValue: true}, s);
  await cdp.send('Runtime.evaluate', {expression: 'throw new Error("boom")'}, s);
  await cdp.send('Runtime.evaluate', {expression: 'alert("hello")'}, s);
  await cdp.send('Page.navigate', {url: 'http://127.0.0.1:1/refused'}, s);
  await sleep(500);
  await cdp.send('No.suchMethod', {}, s);
  await cdp.send('Target.closeTarget', {targetId: target});
  await sleep(300);
  await cdp.send('Target.disposeBrowserContext', {browserContextId: ctx});
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
