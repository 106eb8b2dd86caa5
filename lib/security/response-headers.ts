// The headers a hospital security review (OWASP ASVS level 2, V14.4) looks for on every response.
// Pure: proxy.ts adds the per-request ones, next.config.ts the fixed ones.

/** Headers that never change: sent on every response, static files included. */
export const FIXED_SECURITY_HEADERS: ReadonlyArray<{ key: string; value: string }> = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  // For browsers without CSP frame-ancestors; ReadNext is never shown inside another site's frame.
  { key: "X-Frame-Options", value: "DENY" },
  // Addresses carry study and accession identifiers: never send them to another site (viewer links included).
  { key: "Referrer-Policy", value: "no-referrer" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

export type RequestSecurity = {
  /** A fresh, unguessable value per request (base64). */
  nonce: string;
  /** The public URL is https: add HSTS and upgrade any http subresource. */
  https: boolean;
  /** `next dev` needs eval for its error overlay; a production build never does. */
  development: boolean;
};

/**
 * The Content-Security-Policy for one request. Scripts run only with this request's nonce
 * (Next.js stamps it on its own scripts); styles allow inline because server-rendered style
 * attributes (chart colours, bar widths) cannot carry a nonce, and a style cannot run code.
 */
export function contentSecurityPolicy({ nonce, https, development }: RequestSecurity): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** Headers that depend on the request or on where ReadNext is served. */
export function perRequestSecurityHeaders(security: RequestSecurity): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(security),
    // Only over https: a browser ignores HSTS on http, and it must never pin a plain-http install.
    ...(security.https ? { "Strict-Transport-Security": "max-age=31536000; includeSubDomains" } : {}),
  };
}
