"use client";
import { useState, useSyncExternalStore } from "react";
import { useRouter } from "next/navigation";
import { authClient } from "../auth-client";

const noChange = () => () => undefined;

export function SignInForm({ sso }: { sso: { name: string } | null }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  // The provider's button works only once React runs (it asks /api/sso/check first); until then it is disabled.
  const ready = useSyncExternalStore(
    noChange,
    () => true,
    () => false,
  );
  const router = useRouter();

  // The provider is asked first, so one that is down gives a message here instead of a browser error page.
  async function signInWithProvider() {
    setPending(true);
    setError(null);
    const check = (await fetch("/api/sso/check")
      .then((r) => r.json())
      .catch(() => ({ ok: false, problem: "ReadNext could not ask it" }))) as { ok: boolean; problem?: string };
    if (!check.ok) {
      setPending(false);
      setError(`${sso!.name} is not available: ${check.problem}. Sign in with a local account, or try again later.`);
      return;
    }
    const { error: failure } = await authClient.signIn.social({
      provider: "hospital",
      callbackURL: "/",
      errorCallbackURL: "/sign-in",
    });
    if (failure) {
      setPending(false);
      setError(`${sso!.name} could not be started: ${(failure.message ?? failure.statusText).replace(/\.$/, "")}.`);
    }
  }

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const { error: failure } = await authClient.signIn.email({
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
    });
    if (failure) {
      setPending(false);
      setError(
        failure.status === 401
          ? "Wrong email or password, or the account is disabled."
          : (failure.message ?? "Sign-in failed."),
      );
      return;
    }
    // Refresh so server components re-render with the new session cookie.
    router.replace("/");
    router.refresh();
  }

  return (
    <>
      {sso && (
        <div className="mt-6 space-y-3">
          <button
            type="button"
            onClick={signInWithProvider}
            disabled={pending || !ready}
            className="w-full rounded-md bg-sky-700 px-3 py-2 font-medium text-white hover:bg-sky-800 disabled:opacity-60"
          >
            Sign in with {sso.name}
          </button>
          <p className="text-center text-xs text-slate-500">or with a local account</p>
        </div>
      )}
      <form onSubmit={onSubmit} className="mt-6 space-y-4">
        <label className="block text-sm font-medium">
          Email
          <input
            name="email"
            type="email"
            required
            autoComplete="username"
            className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 outline-none focus:border-sky-600 focus:ring-2 focus:ring-sky-200"
          />
        </label>
        <label className="block text-sm font-medium">
          Password
          <input
            name="password"
            type="password"
            required
            autoComplete="current-password"
            className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 outline-none focus:border-sky-600 focus:ring-2 focus:ring-sky-200"
          />
        </label>
        {error && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700" data-testid="sign-in-error">
            {error}
          </p>
        )}
        <button
          type="submit"
          disabled={pending}
          // Beside the hospital's sign-in, the local one is the secondary way in (break-glass accounts).
          className={`w-full rounded-md px-3 py-2 font-medium disabled:opacity-60 ${
            sso
              ? "border border-slate-300 bg-white text-slate-900 hover:bg-slate-50"
              : "bg-sky-700 text-white hover:bg-sky-800"
          }`}
        >
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </>
  );
}
