import Link from "next/link";
import { ROLE_LABELS, sectionsFor } from "@/lib/roles";
import { displayPreferences, requireUser } from "../guard";
import { DisplayMenu, DisplayProvider } from "../_components/display-settings";
import { Providers } from "../_components/providers";
import { SignOutButton } from "../_components/sign-out-button";
import { IdleLogout } from "../_components/idle-logout";
import { env } from "@/server/env";
import { NavLink } from "../_components/nav-link";
import { db } from "@/server/db/client";
import { demoHistoryMark } from "@/server/runtime/demo-history";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  const sections = sectionsFor(user.roles);
  const [demo, display] = await Promise.all([demoHistoryMark(db()), displayPreferences()]);
  return (
    <Providers>
      <DisplayProvider initial={display}>
        <header className="border-b border-slate-200 bg-white">
          <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-6 py-3">
            <Link href="/" className="text-lg font-semibold tracking-tight text-sky-800">
              ReadNext
            </Link>
            {demo && (
              <span
                data-testid="demo-data"
                title={`Synthetic studies and a synthetic history from ${demo.from.slice(0, 10)}: no patient data.`}
                className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-900"
              >
                Demo data
              </span>
            )}
            <nav aria-label="Sections" className="flex gap-1">
              {sections.map((s) => (
                <NavLink key={s.href} href={s.href} label={s.label} />
              ))}
            </nav>
            <div className="ml-auto flex items-center gap-3 text-sm">
              <span data-testid="current-user">
                <span className="font-medium">{user.name}</span>
                <span className="text-slate-500">
                  {" "}
                  · {user.roles.map((r) => ROLE_LABELS[r]).join(", ") || "no role"}
                </span>
              </span>
              <DisplayMenu density={sections.some((s) => s.href === "/worklist")} />
              <SignOutButton />
            </div>
          </div>
        </header>
        <main className="mx-auto max-w-7xl px-6 py-6">{children}</main>
        <IdleLogout idleMinutes={env().IDLE_LOGOUT_MINUTES} />
      </DisplayProvider>
    </Providers>
  );
}
