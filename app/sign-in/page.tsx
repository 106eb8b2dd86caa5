import { redirect } from "next/navigation";
import { homeFor } from "@/lib/roles";
import { optionalUser } from "../guard";
import { SignInForm } from "./sign-in-form";
import { env } from "@/server/env";
import { ssoSettings } from "@/server/auth/sso";

export const dynamic = "force-dynamic";

const ENDED: Record<string, () => string> = {
  idle: () => `You were signed out after ${env().IDLE_LOGOUT_MINUTES} minutes without activity.`,
  ended: () => "Your session ended. Sign in again to go on.",
};

/** Why a sign-in through the hospital's provider came back without a session (Better Auth's ?error= codes and ours). */
function ssoFailure(code: string | undefined, description: string | undefined, provider: string): string | null {
  if (!code) return null;
  const words: Record<string, string> = {
    SSO_NO_ROLE:
      "Your hospital account is in none of the groups ReadNext gives a role to. Ask IT or a ReadNext administrator to add you to a ReadNext group.",
    ACCOUNT_DISABLED: "This account is disabled in ReadNext. A ReadNext administrator can enable it.",
    access_denied: `${provider} refused the sign-in${description ? `: ${description}` : ""}.`,
  };
  return (
    words[code] ??
    `Sign-in with ${provider} did not complete (${code.replaceAll("_", " ")}${description ? `: ${description}` : ""}). You can sign in with a local account below.`
  );
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ reason?: string; error?: string; error_description?: string }>;
}) {
  const user = await optionalUser();
  if (user) redirect(homeFor(user.roles));
  const params = await searchParams;
  const ended = ENDED[params.reason ?? ""]?.();
  const sso = ssoSettings();
  const failed = sso ? ssoFailure(params.error, params.error_description, sso.displayName) : null;
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-2xl font-semibold tracking-tight">ReadNext</h1>
        <p className="mt-1 text-sm text-slate-600">The reading worklist that puts the most urgent case first.</p>
        {ended && (
          <p role="status" className="mt-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
            {ended}
          </p>
        )}
        {failed && (
          <p role="alert" className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700" data-testid="sso-error">
            {failed}
          </p>
        )}
        <SignInForm sso={sso ? { name: sso.displayName } : null} />
      </div>
    </main>
  );
}
