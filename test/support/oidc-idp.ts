// A real OpenID Connect provider for the tests (the `oidc-provider` package, certified by the
// OpenID Foundation) on 127.0.0.1: authorization code flow, signed ID tokens carrying the user's
// groups, and a small login page of its own (the package's development pages load web fonts from
// the internet). The tests change accounts and take it "down" through /_test endpoints.
import http from "node:http";
import Provider, { type Configuration } from "oidc-provider";

export type IdpAccount = { email: string; name: string; password: string; groups: string[]; disabled?: boolean };

export type TestIdp = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  stop: () => Promise<void>;
};

const page = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family:sans-serif;max-width:22rem;margin:3rem auto"><h1>Hospital sign-in</h1>${body}</body></html>`;

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
}

/**
 * Starts the provider. `redirectUri` is ReadNext's callback; accounts are keyed by login name.
 */
export async function startTestIdp(options: {
  port: number;
  redirectUri: string;
  accounts: Record<string, IdpAccount>;
}): Promise<TestIdp> {
  const issuer = `http://127.0.0.1:${options.port}`;
  const accounts = new Map(Object.entries(options.accounts));
  const clientId = "readnext";
  const clientSecret = "readnext-test-client-secret";
  let down = false;

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "groups"] },
    // The ID token carries the granted claims (groups among them), as IdPs configured for ReadNext do.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    cookies: { keys: ["test-idp-cookie-key-0123456789abcdef"] },
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // A first-party client: no consent screen.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client!.clientId,
        accountId: ctx.oidc.session!.accountId!,
      });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
    findAccount: (_ctx, id) => {
      const account = accounts.get(id);
      if (!account || account.disabled) return undefined;
      return {
        accountId: id,
        claims: () => ({
          sub: id,
          email: account.email,
          email_verified: true,
          name: account.name,
          groups: account.groups,
        }),
      };
    },
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    try {
      // Test controls: change an account, or make the whole provider answer 503.
      if (url.pathname.startsWith("/_test/")) {
        if (url.pathname === "/_test/down") down = url.searchParams.get("on") === "1";
        const name = url.pathname.match(/^\/_test\/accounts\/(.+)$/)?.[1];
        if (name && req.method === "PUT") {
          const account = accounts.get(decodeURIComponent(name));
          if (!account) throw new Error(`no account ${name}`);
          Object.assign(account, (await readJson(req)) as Partial<IdpAccount>);
        }
        res.writeHead(204).end();
        return;
      }
      if (down) {
        res.writeHead(503, { "content-type": "text/plain" }).end("identity provider down for maintenance");
        return;
      }
      const uid = url.pathname.match(/^\/interaction\/([^/]+)(\/login)?$/);
      if (uid) {
        const details = await provider.interactionDetails(req, res);
        if (req.method === "POST" && uid[2]) {
          const form = await readForm(req);
          const login = form.get("login") ?? "";
          const account = accounts.get(login);
          if (!account || account.password !== form.get("password")) {
            res
              .writeHead(200, { "content-type": "text/html" })
              .end(loginPage(details.uid, "Wrong user name or password."));
            return;
          }
          if (account.disabled) {
            // As an IdP does for a locked account: the sign-in ends, and ReadNext hears why.
            await provider.interactionFinished(req, res, {
              error: "access_denied",
              error_description: "the account is disabled at the hospital",
            });
            return;
          }
          await provider.interactionFinished(
            req,
            res,
            { login: { accountId: login } },
            { mergeWithLastSubmission: false },
          );
          return;
        }
        res.writeHead(200, { "content-type": "text/html" }).end(loginPage(details.uid));
        return;
      }
      callback(req, res);
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port, "127.0.0.1", resolve));
  return {
    issuer,
    clientId,
    clientSecret,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function loginPage(uid: string, error?: string) {
  return page(
    "Hospital sign-in",
    `${error ? `<p role="alert">${escape(error)}</p>` : ""}
<form method="post" action="/interaction/${escape(uid)}/login">
  <label>User name <input name="login" autocomplete="username" required></label><br>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label><br>
  <button type="submit">Sign in to the hospital</button>
</form>`,
  );
}
