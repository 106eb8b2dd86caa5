import { requireUser } from "../guard";
import { SignOutButton } from "../_components/sign-out-button";

export const dynamic = "force-dynamic";

export default async function NoAccessPage() {
  const user = await requireUser();
  return (
    <main className="mx-auto max-w-lg p-10">
      <h1 className="text-xl font-semibold">No access to this page</h1>
      <p className="mt-2 text-slate-600">
        {user.roles.length === 0
          ? `${user.name}, your account has no role yet. Ask an administrator to give you one.`
          : "Your roles do not include this section. Use the navigation to go where you can."}
      </p>
      <div className="mt-6">
        <SignOutButton />
      </div>
    </main>
  );
}
