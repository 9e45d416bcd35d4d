// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// Docker and Spaces call the health path all the time; Better Auth's production rate limiter would count
// those calls like sign-ins (429 past 100 per 10 s from one address, and a third of its throughput).
export async function exemptHealthPath(auth, healthPath) {
  const context = await auth.$context;
  const base = (context.options.basePath ?? "/api/auth").replace(/\/$/, "");
  if (!healthPath.startsWith(`${base}/`) || !context.rateLimit) return;
  const path = healthPath.slice(base.length);
  context.rateLimit.customRules = { ...context.rateLimit.customRules, [path]: false };
}
