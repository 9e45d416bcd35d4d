import { createAuthClient } from "better-auth/client";

/**
 * Better Auth's own client as a page on `pageOrigin` would use it in a browser:
 * cookies kept between calls, and an Origin header on every request that changes state.
 */
export function createBrowserLikeClient(baseURL: string, pageOrigin: string = baseURL) {
  const cookies = new Map<string, string>();

  const browserFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    if (cookies.size > 0) headers.set("cookie", cookieHeader(cookies));
    if (method !== "GET" && method !== "HEAD") headers.set("origin", pageOrigin);
    const response = await fetch(input, { ...init, headers });
    for (const setCookie of response.headers.getSetCookie()) keepCookie(cookies, setCookie);
    return response;
  };

  return {
    client: createAuthClient({ baseURL, fetchOptions: { customFetchImpl: browserFetch } }),
    /** The Cookie header the browser would send now. */
    cookieHeader: () => cookieHeader(cookies),
  };
}

function keepCookie(cookies: Map<string, string>, setCookie: string): void {
  const [pair = ""] = setCookie.split(";");
  const separator = pair.indexOf("=");
  const name = pair.slice(0, separator).trim();
  const value = pair.slice(separator + 1).trim();
  const expired = value === "" || /;\s*max-age=0\s*(;|$)/i.test(setCookie);
  if (expired) cookies.delete(name);
  else cookies.set(name, value);
}

function cookieHeader(cookies: Map<string, string>): string {
  return [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
}
