// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// Docker HEALTHCHECK without curl: exit 0 when the health path answers 200 on the local port.
import { DEFAULT_PORT, HEALTH_PATH } from "./settings.mjs";

const url = `http://127.0.0.1:${process.env.PORT || DEFAULT_PORT}${HEALTH_PATH}`;
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
  process.exit(response.status === 200 ? 0 : 1);
} catch (error) {
  console.log(`unhealthy: ${url}: ${error.cause?.message ?? error.message}`); // shown by `docker inspect`
  process.exit(1);
}
