import { redirect } from "next/navigation";
import { homeFor } from "@/lib/roles";
import { optionalUser } from "./guard";

export const dynamic = "force-dynamic";

export default async function Home() {
  const user = await optionalUser();
  redirect(user ? homeFor(user.roles) : "/sign-in");
}
