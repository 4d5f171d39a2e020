// Browser end-to-end tests: a real `publius serve` driven by Debian's
// chromium through playwright-core. Run with e2e/run.sh (or `node --test
// e2e/` with PUBLIUS_BIN pointing at a built binary; without it the test
// builds one).
'use strict';

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');
const publius = require('./publius-server');

const shots = path.join(__dirname, 'screenshots');
const OOB = 'urn:ietf:wg:oauth:2.0:oob';
const users = {
  alice: 'alice passphrase for the e2e run',
  bob: 'bob passphrase for the e2e run',
};

let server, base, browser;


async function api(method, p, { token, body } = {}) {
  const headers = {};
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body) headers['Content-Type'] = 'application/json';
  const res = await fetch(base + p, { method, headers, body: body && JSON.stringify(body) });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, json, text };
}

async function registerApp(redirectURI) {
  const r = await api('POST', '/api/v1/apps', {
    body: { client_name: 'e2e browser', redirect_uris: redirectURI, scopes: 'read write follow' },
  });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

function pkce() {
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

function authorizeURL(app, challenge, redirectURI = OOB, state = 'e2e-state') {
  const q = new URLSearchParams({
    response_type: 'code', client_id: app.client_id, redirect_uri: redirectURI,
    scope: 'read write follow', state, code_challenge: challenge, code_challenge_method: 'S256',
  });
  return base + '/oauth/authorize?' + q;
}

// newPage opens a page that fails the test on console errors (a CSP
// violation shows up there) and on assets that fail to load. Pages
// themselves may answer 401 or 404 on purpose; the tests check those.
async function newPage(t) {
  const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.request().resourceType() !== 'document' && r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => errors.push(`failed ${r.url()}`));
  page.on('pageerror', (e) => errors.push(String(e)));
  t.after(async () => {
    await page.close();
    assert.deepEqual(errors, [], 'browser console errors');
  });
  return page;
}

// signIn does what a person does on the authorize page and returns the
// access token the app gets for the code.
async function signIn(t, handle, passphrase) {
  const app = await registerApp(OOB);
  const { verifier, challenge } = pkce();
  const page = await newPage(t);
  await page.goto(authorizeURL(app, challenge));
  await page.getByLabel('Handle').fill(handle);
  await page.getByLabel('Passphrase').fill(passphrase);
  await page.getByRole('button', { name: 'Authorize' }).click();
  await page.waitForSelector('#code');
  const code = (await page.locator('#code').textContent()).trim();
  assert.match(code, /^\S{20,}$/);
  // A public client: the verifier, not a secret, proves it asked for the code.
  const tok = await api('POST', '/oauth/token', {
    body: { grant_type: 'authorization_code', code, client_id: app.client_id, redirect_uri: OOB, code_verifier: verifier },
  });
  assert.equal(tok.status, 200, tok.text);
  assert.ok(tok.json.access_token);
  return tok.json.access_token;
}

describe('publius in a browser', () => {
  const state = {};

  before(async () => {
    server = await publius.start({ prefix: 'publius-e2e-', accounts: users });
    base = server.base;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--no-first-run'],
    });
    fs.mkdirSync(shots, { recursive: true });
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('completes the authorization-code flow with PKCE and posts', async (t) => {
    state.alice = await signIn(t, 'alice', users.alice);
    const me = await api('GET', '/api/v1/accounts/verify_credentials', { token: state.alice });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.username, 'alice');
    const st = await api('POST', '/api/v1/statuses', {
      token: state.alice, body: { status: 'Hello from a real browser sign-in #e2e' },
    });
    assert.equal(st.status, 200, st.text);
    state.statusID = st.json.id;
    assert.equal(st.json.url, `${base}/@alice/${st.json.id}`);
  });

  it('shows an error and no code for a wrong passphrase', async (t) => {
    const app = await registerApp(OOB);
    const page = await newPage(t);
    await page.goto(authorizeURL(app, pkce().challenge));
    await page.getByLabel('Handle').fill('alice');
    await page.getByLabel('Passphrase').fill('not the passphrase at all');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Authorize' }).click(),
    ]);
    assert.equal(res.status(), 401);
    await page.waitForLoadState();
    assert.equal((await page.getByRole('alert').textContent()).trim(), 'Wrong handle or passphrase.');
    assert.equal(await page.locator('#code').count(), 0);
    assert.equal(await page.getByLabel('Handle').inputValue(), 'alice', 'the handle is kept');
    assert.equal(await page.getByLabel('Passphrase').inputValue(), '', 'the passphrase is not echoed back');
  });

  it('denies access without a code (out-of-band and redirect)', async (t) => {
    const page = await newPage(t);
    const oob = await registerApp(OOB);
    await page.goto(authorizeURL(oob, pkce().challenge));
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.getByRole('alert').waitFor();
    assert.equal((await page.getByRole('alert').textContent()).trim(), 'You denied access.');
    assert.equal(await page.locator('#code').count(), 0);

    // A redirecting client gets error=access_denied and its state back.
    const redirect = base + '/e2e-callback';
    const app = await registerApp(redirect);
    await page.goto(authorizeURL(app, pkce().challenge, redirect, 'deny-state'));
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL((u) => u.pathname === '/e2e-callback');
    const q = new URL(page.url()).searchParams;
    assert.equal(q.get('error'), 'access_denied');
    assert.equal(q.get('state'), 'deny-state');
    assert.equal(q.get('code'), null);
  });

  it('shows the post on the profile, status and home pages', async (t) => {
    assert.ok(state.statusID, 'the sign-in test posted a status');
    const bob = state.bob = await signIn(t, 'bob', users.bob);
    const f = await api('POST', `/api/v1/accounts/${(await api('GET', '/api/v1/accounts/lookup?acct=alice')).json.id}/follow`, { token: bob });
    assert.equal(f.status, 200, f.text);

    const page = await newPage(t);
    const profile = await page.goto(base + '/@alice');
    assert.equal(profile.status(), 200);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'alice');
    const counts = (await page.locator('.counts').innerText()).replace(/\s+/g, ' ');
    assert.match(counts, /1 post\b/);
    assert.match(counts, /0 following/);
    assert.match(counts, /1 follower\b/);
    assert.equal(await page.getByRole('img', { name: /^Followers, .*→ 1$/ }).evaluate((e) => e.localName), 'svg');
    const post = page.locator('article', { hasText: 'Hello from a real browser sign-in' });
    assert.equal(await post.count(), 1);

    // Follow the post's time link, as a reader would.
    await post.locator('a.when').click();
    await page.waitForURL(`${base}/@alice/${state.statusID}`);
    assert.equal(await page.locator('article.focus', { hasText: 'Hello from a real browser sign-in' }).count(), 1);

    await page.locator('a.hashtag').first().click();
    await page.waitForURL(`${base}/tags/e2e`);
    assert.equal(await page.locator('article', { hasText: 'Hello from a real browser sign-in' }).count(), 1);

    await page.goto(base + '/');
    assert.equal(await page.locator('article', { hasText: 'Hello from a real browser sign-in' }).count(), 1);

    const missing = await page.goto(base + '/@nobody');
    assert.equal(missing.status(), 404);
  });

  it('takes screenshots of the authorize and profile pages', async (t) => {
    // A fuller profile and a short thread, so the pictures show every part.
    const upd = await api('PATCH', '/api/v1/accounts/update_credentials', {
      token: state.alice,
      body: {
        display_name: 'Alice <script>x</script>', note: 'Writes about public records.\nOpinions are my own.',
        fields_attributes: [{ name: 'Website', value: 'https://example.org' }, { name: 'Pronouns', value: 'she/her' }],
      },
    });
    assert.equal(upd.status, 200, upd.text);
    const reply = await api('POST', '/api/v1/statuses', {
      token: state.bob, body: { status: '@alice Thanks, this is useful.', in_reply_to_id: state.statusID },
    });
    assert.equal(reply.status, 200, reply.text);

    const page = await newPage(t);
    const app = await registerApp(OOB);
    await page.goto(authorizeURL(app, pkce().challenge));
    await page.screenshot({ path: path.join(shots, 'authorize.png'), fullPage: true });
    await page.goto(base + '/@alice');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Alice <script>x</script>');
    await page.screenshot({ path: path.join(shots, 'profile.png'), fullPage: true });
    await page.goto(`${base}/@bob/${reply.json.id}`);
    await page.screenshot({ path: path.join(shots, 'status.png'), fullPage: true });
    await page.goto(base + '/');
    await page.screenshot({ path: path.join(shots, 'home.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(base + '/@alice');
    await page.screenshot({ path: path.join(shots, 'profile-narrow.png'), fullPage: true });
    for (const f of ['authorize.png', 'profile.png', 'status.png', 'home.png', 'profile-narrow.png']) {
      assert.ok(fs.statSync(path.join(shots, f)).size > 5000, f + ' is not blank');
    }
  });
});
