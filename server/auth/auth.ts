import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import { APIError } from "better-auth/api";
import { db, type Db } from "../db/client";
import { env } from "../env";
import { SSO_PROVIDER_ID, ssoPlugin, ssoSettings, syncSsoRoles, type SsoSettings } from "./sso";

/** localhost and 127.0.0.1 name the same server; accept sign-ins from either spelling. */
function sameHostTwins(baseURL: string): string[] {
  const url = new URL(baseURL);
  const twin = { localhost: "127.0.0.1", "127.0.0.1": "localhost" }[url.hostname];
  if (!twin) return [url.origin];
  return [url.origin, `${url.protocol}//${twin}${url.port ? `:${url.port}` : ""}`];
}

/** A refusal the sign-in page puts in words (it arrives as ?error=<code> after the provider's redirect). */
const refuse = (code: string, message: string) => new APIError("FORBIDDEN", { code, message });

export function buildAuth(
  database: Db,
  secret: string,
  baseURL: string,
  signInPerMinute: number,
  sso: SsoSettings | null = null,
) {
  return betterAuth({
    database: prismaAdapter(database, { provider: "postgresql" }),
    secret,
    baseURL,
    telemetry: { enabled: false },
    // Accounts are created by administrators (server/users/users.ts), never by self sign-up.
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 8 },
    trustedOrigins: sameHostTwins(baseURL),
    // Served over https: cookies are Secure (and __Secure- prefixed), never sent over plain http.
    advanced: { useSecureCookies: new URL(baseURL).protocol === "https:" },
    rateLimit: {
      window: 60,
      max: 600,
      customRules: {
        "/sign-in/email": { window: 60, max: signInPerMinute },
        // Better Auth's default for every /sign-in path is 3 per 10 s: a shared reading room
        // starting several SSO sign-ins in a minute would be refused.
        "/sign-in/social": { window: 60, max: signInPerMinute },
      },
    },
    // The session is also kept in a signed cookie for a minute, so a request does not read it
    // from the database (~2 ms of CPU each). Roles and "disabled" are still read fresh on every
    // request (getCurrentUser), so disabling an account or changing roles takes effect at once.
    session: { expiresIn: 60 * 60 * 12, updateAge: 60 * 30, cookieCache: { enabled: true, maxAge: 60 } },
    databaseHooks: {
      session: {
        create: {
          // A disabled account cannot start a session. After the hospital provider's sign-in,
          // roles are set from the ID token's groups first; no mapped group, no session.
          before: async (session, ctx) => {
            const user = await database.user.findUnique({ where: { id: session.userId }, select: { disabled: true } });
            const viaSso = sso !== null && ctx?.path === "/callback/:id" && ctx.params?.id === SSO_PROVIDER_ID;
            if (!user) return false;
            if (user.disabled) {
              if (viaSso) throw refuse("ACCOUNT_DISABLED", "This account is disabled in ReadNext.");
              return false;
            }
            if (viaSso && (await syncSsoRoles(database, session.userId, sso)).length === 0)
              throw refuse("SSO_NO_ROLE", "Your account is in no group that ReadNext maps to a role.");
            return { data: session };
          },
        },
      },
    },
    // An SSO identity whose email matches a local account (an administrator's) signs in to it.
    account: sso
      ? { accountLinking: { enabled: true, trustedProviders: [SSO_PROVIDER_ID], requireLocalEmailVerified: false } }
      : undefined,
    plugins: sso ? [ssoPlugin(sso), nextCookies()] : [nextCookies()],
  });
}

export type Auth = ReturnType<typeof buildAuth>;

const globalForAuth = globalThis as unknown as { readnextAuth?: Auth };

export function auth(): Auth {
  if (!globalForAuth.readnextAuth) {
    const { BETTER_AUTH_SECRET, BETTER_AUTH_URL, NODE_ENV, AUTH_SIGNIN_ATTEMPTS_PER_MINUTE } = env();
    const secret =
      BETTER_AUTH_SECRET ??
      (NODE_ENV === "production" ? undefined : "readnext-development-only-secret-not-for-production");
    if (!secret)
      throw new Error(
        "BETTER_AUTH_SECRET is not set: start with `npm start` (which generates one) or set it (32+ characters).",
      );
    globalForAuth.readnextAuth = buildAuth(
      db(),
      secret,
      BETTER_AUTH_URL,
      AUTH_SIGNIN_ATTEMPTS_PER_MINUTE,
      ssoSettings(),
    );
  }
  return globalForAuth.readnextAuth;
}
