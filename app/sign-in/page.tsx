import { redirect } from "next/navigation";
import { homeFor } from "@/lib/roles";
import { optionalUser } from "../guard";
import { SignInForm } from "./sign-in-form";

export const dynamic = "force-dynamic";

export default async function SignInPage() {
  const user = await optionalUser();
  if (user) redirect(homeFor(user.roles));
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-2xl font-semibold tracking-tight">ReadNext</h1>
        <p className="mt-1 text-sm text-slate-600">The reading worklist that puts the most urgent case first.</p>
        <SignInForm />
      </div>
    </main>
  );
}
