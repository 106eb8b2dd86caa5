import { redirect } from "next/navigation";
import { homeFor } from "@/lib/roles";
import { optionalUser } from "../guard";
import { SignInForm } from "./sign-in-form";
import { env } from "@/server/env";

export const dynamic = "force-dynamic";

const ENDED: Record<string, () => string> = {
  idle: () => `You were signed out after ${env().IDLE_LOGOUT_MINUTES} minutes without activity.`,
  ended: () => "Your session ended. Sign in again to go on.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ reason?: string }> }) {
  const user = await optionalUser();
  if (user) redirect(homeFor(user.roles));
  const ended = ENDED[(await searchParams).reason ?? ""]?.();
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
        <SignInForm />
      </div>
    </main>
  );
}
