import { auth } from "@/server/auth/auth";

export const TEST_ORIGIN = "http://localhost:3000";

/** Signs in through Better Auth's real handler; the cookies a browser would keep (null when refused). */
export async function signIn(email: string, password: string): Promise<{ status: number; cookie: string | null }> {
  const response = await auth().handler(
    new Request(`${TEST_ORIGIN}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: TEST_ORIGIN },
      body: JSON.stringify({ email, password }),
    }),
  );
  // Every cookie the browser would keep: the session token and the signed session cache.
  const cookies = response.headers.getSetCookie().map((c) => c.split(";")[0]!);
  return { status: response.status, cookie: cookies.length ? cookies.join("; ") : null };
}
