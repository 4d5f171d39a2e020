// Client-library end-to-end tests: a real `publius serve` driven by two
// widely used Mastodon client libraries from npm, masto (masto.js) and
// megalodon, through their public APIs only. Each library parses every
// response into its own entity types, follows the Link header for
// pagination and raises on status codes it does not expect, so a wrong
// shape or a missing route fails here the way it would fail in an app.
// Run with e2e/run.sh (or `node --test e2e/` with PUBLIUS_BIN pointing at
// a built binary; without it the test builds one).
'use strict';

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const megalodon = require('megalodon');
const publius = require('./publius-server');

const OOB = 'urn:ietf:wg:oauth:2.0:oob';
const SCOPES = 'read write follow';
const ID = /^\d{18}$/; // Publius IDs: fixed-width decimal strings
const users = {
  alice: 'alice passphrase for the client-library run',
  bob: 'bob passphrase for the client-library run',
  carol: 'carol passphrase for the client-library run',
};

let server, base;
// masto ships ESM (its CommonJS build requires the ESM-only change-case,
// which needs require(esm)), so it is imported, not required.
let masto;


// rest returns a masto REST client, with a token or anonymous.
function rest(accessToken) {
  return masto.createRestAPIClient({ url: base, accessToken, timeout: 10000 });
}

// pages walks a masto paginator to its end and returns every page it saw.
// As on Mastodon, the page after the last item is empty and carries no
// Link header; that is where masto stops.
async function pages(paginator, max = 20) {
  const out = [];
  for await (const page of paginator) {
    out.push(page);
    assert.ok(out.length <= max, 'paginator did not stop');
  }
  return out;
}

// rejectsWith checks that a masto call fails with the given HTTP status
// (or one of several).
async function rejectsWith(promise, ...statusCodes) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof masto.MastoHttpError, `expected MastoHttpError, got ${err}`);
    assert.ok(statusCodes.includes(err.statusCode), `status ${err.statusCode} (${err.message}), want ${statusCodes}`);
    return true;
  });
}

function descending(ids) {
  for (let i = 1; i < ids.length; i++) {
    assert.ok(ids[i - 1] > ids[i], `ids not newest first: ${ids.join(' ')}`);
  }
}

describe('publius with Mastodon client libraries', () => {
  const s = {}; // state shared by the steps, which run in order

  before(async () => {
    masto = await import('masto');
    server = await publius.start({ prefix: 'publius-e2e-clients-',
      args: ['--allow-password-grant', '--rate-limit-scale', '0', '--title', 'Client Library E2E'] });
    base = server.base;
  });

  after(async () => {
    if (server) await server.stop();
  });

  describe('masto', () => {
    it('reads the instance (v1 and v2) anonymously', async () => {
      const anon = rest();
      const v1 = await anon.v1.instance.fetch();
      assert.equal(v1.uri, new URL(base).host);
      assert.equal(v1.title, 'Client Library E2E');
      assert.match(v1.version, /^4\.\d+\.\d+/); // clients gate features on a Mastodon version
      assert.equal(v1.registrations, true);
      assert.equal(v1.stats.userCount, 0);
      assert.equal(typeof v1.configuration.statuses.maxCharacters, 'number');

      const v2 = await anon.v2.instance.fetch();
      assert.equal(v2.domain, new URL(base).host);
      assert.equal(v2.title, 'Client Library E2E');
      assert.equal(v2.version, v1.version);
      assert.equal(v2.registrations.enabled, true);
      assert.equal(v2.registrations.approvalRequired, false);
      assert.equal(v2.configuration.statuses.maxCharacters, v1.configuration.statuses.maxCharacters);
      assert.equal(v2.apiVersions.mastodon, 2);
      assert.ok(Array.isArray(v2.rules));
    });

    it('registers an app and signs two accounts up with an app token', async () => {
      const app = await rest().v1.apps.create({
        clientName: 'masto e2e', redirectUris: OOB, scopes: SCOPES, website: 'https://example.org',
      });
      assert.equal(app.name, 'masto e2e');
      assert.ok(app.clientId && app.clientSecret, 'client credentials returned');
      s.app = app;
      s.oauth = masto.createOAuthAPIClient({ url: base });

      const appToken = await s.oauth.token.create({
        grantType: 'client_credentials', clientId: app.clientId, clientSecret: app.clientSecret,
        redirectUri: OOB, scope: SCOPES,
      });
      assert.equal(appToken.tokenType, 'Bearer');
      const asApp = rest(appToken.accessToken);
      const verified = await asApp.v1.apps.verifyCredentials();
      assert.equal(verified.name, 'masto e2e');

      for (const name of ['alice', 'bob']) {
        const t = await asApp.v1.accounts.create({
          username: name, email: `${name}@example.org`, password: users[name], agreement: true, locale: 'en',
        });
        assert.ok(t.accessToken, `sign-up token for ${name}`);
        assert.equal(t.tokenType, 'Bearer');
        // The sign-up token works as the new account.
        const me = await rest(t.accessToken).v1.accounts.verifyCredentials();
        assert.equal(me.username, name);
      }
      // An app token is not a user: user-only routes refuse it with
      // Mastodon's 422 "This method requires an authenticated user".
      await rejectsWith(asApp.v1.accounts.verifyCredentials(), 422);
    });

    it('obtains user tokens with the password grant', async () => {
      for (const name of ['alice', 'bob']) {
        const t = await s.oauth.token.create({
          grantType: 'password', clientId: s.app.clientId, clientSecret: s.app.clientSecret,
          redirectUri: OOB, scope: SCOPES, username: name, password: users[name],
        });
        assert.equal(t.tokenType, 'Bearer');
        assert.equal(t.scope, SCOPES);
        assert.equal(typeof t.createdAt, 'number');
        s[name] = { token: t.accessToken, api: rest(t.accessToken) };
      }
      await assert.rejects(s.oauth.token.create({
        grantType: 'password', clientId: s.app.clientId, clientSecret: s.app.clientSecret,
        redirectUri: OOB, scope: SCOPES, username: 'alice', password: 'not the passphrase at all',
      }), (err) => err instanceof masto.MastoHttpError && err.statusCode === 400);
    });

    it('verifies and updates credentials', async () => {
      const me = await s.alice.api.v1.accounts.verifyCredentials();
      assert.match(me.id, ID);
      assert.equal(me.username, 'alice');
      assert.equal(me.acct, 'alice');
      assert.equal(me.url, `${base}/@alice`);
      assert.equal(me.statusesCount, 0);
      assert.equal(typeof me.source.privacy, 'string');
      s.alice.id = me.id;
      s.bob.id = (await s.bob.api.v1.accounts.verifyCredentials()).id;
      assert.notEqual(s.alice.id, s.bob.id);

      // masto sends this as multipart/form-data with
      // fields_attributes[0][name]-style keys, as Mastodon's web UI does.
      const updated = await s.alice.api.v1.accounts.updateCredentials({
        displayName: 'Alice Liddell',
        note: 'Curiouser & curiouser',
        fieldsAttributes: [
          { name: 'Pronouns', value: 'she/her' },
          { name: 'Home', value: 'Wonderland' },
        ],
      });
      assert.equal(updated.displayName, 'Alice Liddell');
      assert.match(updated.note, /Curiouser &amp; curiouser/);
      assert.equal(updated.source.note, 'Curiouser & curiouser');
      assert.deepEqual(updated.fields.map((f) => [f.name, f.value]),
        [['Pronouns', 'she/her'], ['Home', 'Wonderland']]);
      assert.deepEqual(updated.source.fields.map((f) => [f.name, f.value]),
        [['Pronouns', 'she/her'], ['Home', 'Wonderland']]);

      const again = await s.alice.api.v1.accounts.verifyCredentials();
      assert.equal(again.displayName, 'Alice Liddell');
      assert.equal(again.fields.length, 2);
    });

    it('looks accounts up and fetches them by id', async () => {
      const anon = rest();
      const bob = await anon.v1.accounts.lookup({ acct: 'bob' });
      assert.equal(bob.id, s.bob.id);
      assert.equal(bob.username, 'bob');
      assert.equal(bob.source, undefined, 'no source on a public account');
      const alice = await anon.v1.accounts.$select(s.alice.id).fetch();
      assert.equal(alice.displayName, 'Alice Liddell');
      assert.equal(alice.fields[1].value, 'Wonderland');
      await rejectsWith(anon.v1.accounts.lookup({ acct: 'nobody-here' }), 404);
    });

    it('follows, lists follows and reads relationships', async () => {
      const rel = await s.bob.api.v1.accounts.$select(s.alice.id).follow();
      assert.equal(rel.id, s.alice.id);
      assert.equal(rel.following, true);
      assert.equal(rel.followedBy, false);
      assert.equal(rel.requested, false);

      const [toAlice, toSelf] = await s.bob.api.v1.accounts.relationships.fetch({ id: [s.alice.id, s.bob.id] });
      assert.equal(toAlice.id, s.alice.id);
      assert.equal(toAlice.following, true);
      assert.equal(toSelf.id, s.bob.id);
      assert.equal(toSelf.following, false);
      const [fromAlice] = await s.alice.api.v1.accounts.relationships.fetch({ id: [s.bob.id] });
      assert.equal(fromAlice.followedBy, true);
      assert.equal(fromAlice.following, false);

      const followers = await s.alice.api.v1.accounts.$select(s.alice.id).followers.list();
      assert.deepEqual(followers.map((a) => a.username), ['bob']);
      const following = await s.bob.api.v1.accounts.$select(s.bob.id).following.list();
      assert.deepEqual(following.map((a) => a.username), ['alice']);
      const alice = await s.bob.api.v1.accounts.$select(s.alice.id).fetch();
      assert.equal(alice.followersCount, 1);
    });

    it('posts statuses with a hashtag, a mention and a reply', async () => {
      const a = s.alice.api.v1.statuses;
      const first = await a.create({ status: 'Down the rabbit hole #wonderland', visibility: 'public' });
      assert.match(first.id, ID);
      assert.equal(first.account.id, s.alice.id);
      assert.equal(first.visibility, 'public');
      assert.equal(first.inReplyToId, null);
      assert.match(first.content, /Down the rabbit hole/);
      assert.deepEqual(first.tags.map((t) => t.name), ['wonderland']);
      assert.equal(first.url, `${base}/@alice/${first.id}`);
      s.first = first;

      const mention = await a.create({ status: 'Hello @bob, have you seen the White Rabbit?' });
      assert.deepEqual(mention.mentions.map((m) => [m.id, m.acct]), [[s.bob.id, 'bob']]);
      assert.match(mention.content, new RegExp(`href="${base}/@bob"`));
      s.mention = mention;

      const reply = await s.bob.api.v1.statuses.create({ status: '@alice Late, as always!', inReplyToId: mention.id });
      assert.equal(reply.inReplyToId, mention.id);
      assert.equal(reply.inReplyToAccountId, s.alice.id);
      assert.deepEqual(reply.mentions.map((m) => m.acct), ['alice']);
      s.reply = reply;

      // More of alice's posts so the timelines span several pages.
      s.more = [];
      for (let i = 1; i <= 4; i++) {
        s.more.push(await a.create({ status: `Drink me, number ${i}` }));
      }
      const after = await s.alice.api.v1.accounts.verifyCredentials();
      assert.equal(after.statusesCount, 6);
    });

    it('fetches a status and its context', async () => {
      const st = await rest().v1.statuses.$select(s.mention.id).fetch();
      assert.equal(st.id, s.mention.id);
      assert.equal(st.account.username, 'alice');
      assert.equal(st.repliesCount, 1);
      assert.equal(st.content, s.mention.content);

      const ctx = await rest().v1.statuses.$select(s.reply.id).context.fetch();
      assert.deepEqual(ctx.ancestors.map((x) => x.id), [s.mention.id]);
      assert.deepEqual(ctx.descendants, []);
      const down = await s.bob.api.v1.statuses.$select(s.mention.id).context.fetch();
      assert.deepEqual(down.ancestors, []);
      assert.deepEqual(down.descendants.map((x) => x.id), [s.reply.id]);
    });

    it('pages the home timeline through the Link header, both ways', async () => {
      const expected = [...s.more].reverse().map((x) => x.id)
        .concat([s.reply.id, s.mention.id, s.first.id]);
      expected.sort().reverse();

      const seen = await pages(s.bob.api.v1.timelines.home.list({ limit: 2 }));
      const ids = seen.flat().map((x) => x.id);
      // Bob's home: his reply and everything alice posted, newest first.
      assert.deepEqual(ids, expected);
      assert.deepEqual(seen.map((p) => p.length), [2, 2, 2, 1, 0]);
      descending(ids);
      for (const x of seen.flat()) assert.match(x.id, ID);

      // Backwards from an older page: rel="prev" (min_id) pages toward newer posts.
      const back = await pages(s.bob.api.v1.timelines.home.list({ limit: 2, maxId: ids[3] }).setDirection('prev'));
      assert.deepEqual(back.map((p) => p.map((x) => x.id)), [ids.slice(4, 6), ids.slice(2, 4), ids.slice(0, 2), []]);

      // The first page alone: awaiting the paginator gives one page.
      const top = await s.bob.api.v1.timelines.home.list({ limit: 3 });
      assert.deepEqual(top.map((x) => x.id), ids.slice(0, 3));
    });

    it('pages the public timeline and account statuses', async () => {
      const anon = rest();
      const all = (await pages(anon.v1.timelines.public.list({ limit: 3, local: true }))).flat().map((x) => x.id);
      assert.equal(all.length, 7);
      descending(all);
      assert.equal(all.at(-1), s.first.id);

      const mine = (await pages(anon.v1.accounts.$select(s.alice.id).statuses.list({ limit: 4 }))).flat();
      assert.deepEqual(mine.map((x) => x.id), all.filter((id) => id !== s.reply.id));
      const bobs = await anon.v1.accounts.$select(s.bob.id).statuses.list({ excludeReplies: true });
      assert.deepEqual(bobs, []);
    });

    it('lists notifications', async () => {
      const notes = (await pages(s.bob.api.v1.notifications.list({ limit: 5 }))).flat();
      assert.deepEqual(notes.map((n) => n.type), ['mention']);
      assert.equal(notes[0].account.id, s.alice.id);
      assert.equal(notes[0].status.id, s.mention.id);
      assert.match(notes[0].id, ID);
      const one = await s.bob.api.v1.notifications.$select(notes[0].id).fetch();
      assert.equal(one.status.id, s.mention.id);

      const alices = (await pages(s.alice.api.v1.notifications.list())).flat();
      assert.deepEqual(alices.map((n) => [n.type, n.account.username, n.status.id]), [['mention', 'bob', s.reply.id]]);
    });

    it('unfollows', async () => {
      const rel = await s.bob.api.v1.accounts.$select(s.alice.id).unfollow();
      assert.equal(rel.following, false);
      assert.deepEqual(await s.alice.api.v1.accounts.$select(s.alice.id).followers.list(), []);
      const home = (await pages(s.bob.api.v1.timelines.home.list())).flat();
      assert.deepEqual(home.map((x) => x.id), [s.reply.id]);
    });

    it('deletes a status', async () => {
      const gone = await s.alice.api.v1.statuses.$select(s.more[0].id).remove();
      assert.equal(gone.id, s.more[0].id);
      assert.equal(gone.text, 'Drink me, number 1'); // the source, for "delete and redraft"
      await rejectsWith(rest().v1.statuses.$select(s.more[0].id).fetch(), 404);
      // Someone else's status: Publius answers 403 for one the caller can
      // see (404 for one it cannot); Mastodon answers 404 for both.
      await rejectsWith(s.bob.api.v1.statuses.$select(s.first.id).remove(), 403, 404);
      const me = await s.alice.api.v1.accounts.verifyCredentials();
      assert.equal(me.statusesCount, 5);
    });

    it('revokes a token', async () => {
      await s.oauth.revoke({ clientId: s.app.clientId, clientSecret: s.app.clientSecret, token: s.alice.token });
      await rejectsWith(s.alice.api.v1.accounts.verifyCredentials(), 401);
      // Bob's token from the same app is untouched.
      assert.equal((await s.bob.api.v1.accounts.verifyCredentials()).username, 'bob');
    });
  });

  describe('megalodon', () => {
    it('detects the server as Mastodon from nodeinfo', async () => {
      assert.equal(await megalodon.detector(base), 'mastodon');
    });

    it('registers an app and an account, then reads and writes as it', async () => {
      const anon = megalodon.default('mastodon', base);
      const app = await anon.registerApp('megalodon e2e', { scopes: SCOPES.split(' '), redirect_uris: OOB });
      assert.ok(app.client_id && app.client_secret);
      assert.match(app.url, new RegExp(`^${base}/oauth/authorize\\?`));

      // megalodon has no client-credentials or password grant: the app
      // token comes from masto, as an app mixing libraries would do.
      const appToken = await s.oauth.token.create({
        grantType: 'client_credentials', clientId: app.client_id, clientSecret: app.client_secret,
        redirectUri: OOB, scope: SCOPES,
      });
      const asApp = megalodon.default('mastodon', base, appToken.accessToken);
      const signUp = await asApp.registerAccount('carol', 'carol@example.org', users.carol, true, 'en');
      assert.equal(signUp.status, 200);
      const carolToken = signUp.data.access_token;
      assert.ok(carolToken);
      const carol = megalodon.default('mastodon', base, carolToken);

      const me = (await carol.verifyAccountCredentials()).data;
      assert.equal(me.username, 'carol');
      assert.match(me.id, ID);
      const upd = (await carol.updateCredentials({ display_name: 'Carol', note: 'megalodon user' })).data;
      assert.equal(upd.display_name, 'Carol');

      const inst = (await carol.getInstance()).data;
      assert.equal(inst.uri, new URL(base).host);
      assert.equal(inst.stats.user_count, 3);

      const bob = (await carol.lookupAccount('bob')).data;
      assert.equal(bob.id, s.bob.id);
      const rel = (await carol.followAccount(bob.id)).data;
      assert.equal(rel.following, true);
      const rels = (await carol.getRelationships([bob.id])).data;
      assert.equal(rels[0].following, true);

      const post = (await carol.postStatus('@bob megalodon says hi #sharks', { in_reply_to_id: s.reply.id })).data;
      assert.equal(post.in_reply_to_id, s.reply.id);
      assert.deepEqual(post.tags.map((t) => t.name), ['sharks']);
      assert.deepEqual(post.mentions.map((m) => m.acct), ['bob']);
      const fetched = (await carol.getStatus(post.id)).data;
      assert.equal(fetched.content, post.content);
      const ctx = (await carol.getStatusContext(post.id)).data;
      assert.deepEqual(ctx.ancestors.map((x) => x.id), [s.mention.id, s.reply.id]);

      const home = await carol.getHomeTimeline({ limit: 2 });
      assert.deepEqual(home.data.map((x) => x.id), [post.id, s.reply.id]);
      assert.match(home.headers.link, /rel="next"/);
      const pub = (await carol.getPublicTimeline({ local: true, limit: 40 })).data;
      assert.equal(pub[0].id, post.id);
      assert.equal(pub.length, 7);

      const bobsNotes = (await megalodon.default('mastodon', base, s.bob.token).getNotifications()).data;
      assert.deepEqual(bobsNotes.map((n) => [n.type, n.account.username]), [['mention', 'carol'], ['mention', 'alice']]);

      const del = await carol.deleteStatus(post.id);
      assert.equal(del.status, 200);
      const unf = (await carol.unfollowAccount(bob.id)).data;
      assert.equal(unf.following, false);

      const revoked = await carol.revokeToken(app.client_id, app.client_secret, carolToken);
      assert.equal(revoked.status, 200);
      await assert.rejects(carol.verifyAccountCredentials(), (err) => err.response?.status === 401);
    });
  });
});
