// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// Cookies that still work inside the huggingface.co page: a third-party iframe needs SameSite=None, Secure
// and Partitioned (CHIPS). Set on the running Better Auth instance, so the backend's code stays as it is.
export const IFRAME_COOKIE_ATTRIBUTES = Object.freeze({ sameSite: "none", secure: true, partitioned: true });

export async function useIframeCookies(auth) {
  // Better Auth computes its cookies once, while it starts: change the computed ones and the factory.
  const context = await auth.$context;
  const advanced = context.options.advanced ?? {};
  context.options.advanced = {
    ...advanced,
    defaultCookieAttributes: { ...advanced.defaultCookieAttributes, ...IFRAME_COOKIE_ATTRIBUTES },
  };
  // A cookie's attributes are `attributes` from better-auth 1.4 on, `options` in 1.3.
  const key = (cookie) => ("attributes" in cookie ? "attributes" : "options");
  for (const cookie of Object.values(context.authCookies)) {
    cookie[key(cookie)] = { ...cookie[key(cookie)], ...IFRAME_COOKIE_ATTRIBUTES };
  }
  const createCookie = context.createAuthCookie;
  context.createAuthCookie = (...args) => {
    const cookie = createCookie(...args);
    return { ...cookie, [key(cookie)]: { ...cookie[key(cookie)], ...IFRAME_COOKIE_ATTRIBUTES } };
  };
}
