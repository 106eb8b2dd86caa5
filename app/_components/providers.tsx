"use client";
import { useState } from "react";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "@/server/api/root";
import { TRPCProvider } from "../trpc";

// The session ended on the server (idle, signed out in another tab, account disabled): back to sign-in,
// as a full page load, so nothing the signed-out user saw stays in memory.
function toSignInIfSignedOut(error: unknown) {
  if (error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === "UNAUTHORIZED")
    window.location.replace("/sign-in?reason=ended");
}

export function Providers({ children }: { children: React.ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { staleTime: 5_000, retry: 1 } },
        queryCache: new QueryCache({ onError: toSignInIfSignedOut }),
        mutationCache: new MutationCache({ onError: toSignInIfSignedOut }),
      }),
  );
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        // Subscriptions (live worklist) over server-sent events, everything else batched.
        splitLink({
          condition: (op) => op.type === "subscription",
          true: httpSubscriptionLink({ url: "/api/trpc", transformer: superjson }),
          false: httpBatchLink({ url: "/api/trpc", transformer: superjson }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
