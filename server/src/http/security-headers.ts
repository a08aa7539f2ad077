import type { AppMiddleware } from './state.js';

/**
 * The Content-Security-Policy of the H5 app: its own scripts only (plus, on the HTML page, the
 * exact inline scripts the build put there, by hash — Taro's root font-size snippet); inline
 * styles allowed because Taro's H5 runtime and NutUI set style attributes; images may come from
 * https (doctor photos on a CDN) and data/blob URLs (canvas charts); API calls to this origin.
 */
export function buildContentSecurityPolicy(inlineScriptHashes: readonly string[] = []): string {
  return [
    "default-src 'self'",
    ["script-src 'self'", ...inlineScriptHashes.map((hash) => `'${hash}'`)].join(' '),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The policy every response carries (the H5 page adds its inline-script hashes). */
export const contentSecurityPolicy = buildContentSecurityPolicy();

/** Options of the security headers. */
export interface SecurityHeadersOptions {
  /** Send HSTS (only behind HTTPS, i.e. in production). */
  hsts: boolean;
}

/**
 * Sets the headers every response carries: no MIME sniffing, no framing, no referrer, a CSP
 * for the H5 app; and makes sure nothing advertises the server software.
 */
export function securityHeaders(options: SecurityHeadersOptions): AppMiddleware {
  return async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Content-Security-Policy', contentSecurityPolicy);
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
    if (options.hsts) ctx.set('Strict-Transport-Security', 'max-age=15552000; includeSubDomains');
    ctx.remove('X-Powered-By');
    await next();
    ctx.remove('X-Powered-By');
  };
}
