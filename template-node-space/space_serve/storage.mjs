// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// storage=bucket: the SQLite files live on local disk; the newest valid snapshot in the mounted bucket is restored
// before the backend loads, each changed file is snapshotted every few seconds and on stop. The Python template's
// storage.py does the same by the same storage-layout.json.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { backup, DatabaseSync } from "node:sqlite";
import { fail } from "./environment.mjs";
import LAYOUT from "./storage-layout.json" with { type: "json" };

const WHY = LAYOUT.why; // why something in the bucket is not read
const SNAPSHOT_NAME = new RegExp(`^(?:${LAYOUT.snapshot_name})$`);
const WRITER_NAME = new RegExp(`^(?:${LAYOUT.writer_name})$`);
// Strict, and the BOM kept: what Python's json reads is what this reads.
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const DEFAULT_PORTS = { postgres: 5432, postgresql: 5432, mysql: 3306, https: 443, wss: 443, http: 80, ws: 80 };

const text = (key, values) => LAYOUT.say[key].replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
const say = (key, values = {}) => process.stderr.write(`space: ${text(key, values)}\n`);
const refuse = (key, values) => fail(text(key, values));

/** Name the database's host and port (never its credentials), and warn of a port a Space can't reach. */
export function announceExternal(env = process.env) {
  let host = "?";
  let port;
  try {
    const url = new URL(env.DATABASE_URL ?? "");
    host = url.hostname || "?";
    port = Number(url.port) || DEFAULT_PORTS[url.protocol.replace(/:$/, "").split("+")[0]];
  } catch {
    // not a URL: the driver will say so
  }
  say("external", { host, port: port ?? "?" });
  if (env.SPACE_ID && port && !LAYOUT.reachable_ports.includes(port)) say("external_port", { port });
}

function mounted(folder) {
  let lines;
  try {
    lines = fs.readFileSync("/proc/self/mountinfo", "utf8").split("\n");
  } catch {
    return false;
  }
  // Field 5 is the mount point, with spaces and the like escaped as octal (\040).
  const unescape = (field) => field.replace(/\\([0-7]{3})/g, (_, octal) => String.fromCharCode(parseInt(octal, 8)));
  return lines.some((line) => line.split(" ").length > 4 && unescape(line.split(" ")[4]) === folder);
}

/** "" when SQLite finds the file sound, else what is wrong with it. */
function integrity(file) {
  try {
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      const rows = db.prepare("PRAGMA integrity_check").all().map((row) => Object.values(row)[0]);
      return rows.length === 1 && rows[0] === "ok" ? "" : rows.slice(0, 3).join("; ");
    } finally {
      db.close();
    }
  } catch (error) {
    return error.message;
  }
}

const partialOf = (target) => path.join(path.dirname(target), `.${path.basename(target)}.partial`);

/** Copy, flush to disk, then rename: the bucket only ever holds complete files. Synchronous: for the exit. */
function writeWhole(source, target) {
  fs.copyFileSync(source, partialOf(target));
  const handle = fs.openSync(partialOf(target), "r");
  try {
    fs.fsyncSync(handle);
  } finally {
    fs.closeSync(handle);
  }
  fs.renameSync(partialOf(target), target);
}

/** The same off the event loop: a slow disk's flush never holds up the requests the app is serving. */
async function writeWholeAsync(source, target) {
  await fs.promises.copyFile(source, partialOf(target));
  const handle = await fs.promises.open(partialOf(target), "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(partialOf(target), target);
}

/** A small file, written beside its place and renamed: never seen half-written (the name is this writer's own:
 * two containers may write it at once). */
function writeText(target, text) {
  const own = randomBytes(4).toString("hex");
  const partial = path.join(path.dirname(target), `.${path.basename(target)}.${own}.partial`);
  try {
    fs.writeFileSync(partial, text);
    fs.renameSync(partial, target);
  } catch (error) {
    removeIfThere(partial);
    throw error;
  }
}

/** An error saying why in the layout's words. */
const because = (reason) => Object.assign(new Error(reason), { reason });
const reasonOf = (error) => error.reason ?? error.code ?? error.message;

/** `file` opened for reading when it is itself a regular file: never through a link, which may point anywhere in
 * the container, nor a folder or a named pipe (which would block). */
function openFile(file) {
  let fd;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (error) {
    throw error.code === "ELOOP" ? because(WHY.link) : error;
  }
  if (!fs.fstatSync(fd).isFile()) {
    fs.closeSync(fd);
    throw because(WHY.not_file);
  }
  return fd;
}

/** A snapshot copied from its open file. */
function copyOpened(source, target) {
  const out = fs.openSync(target, "w");
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    for (let read = fs.readSync(source, chunk); read > 0; read = fs.readSync(source, chunk)) {
      for (let done = 0; done < read;) done += fs.writeSync(out, chunk, done, read - done);
    }
  } finally {
    fs.closeSync(out);
  }
}

/** The JSON in a small regular file of the bucket; throws saying why there is none. */
function readJson(file) {
  const limit = LAYOUT.json_limit;
  const buffer = Buffer.alloc(limit + 1);
  let length = 0;
  const fd = openFile(file);
  try {
    for (let read = 1; read > 0 && length < buffer.length; length += read) {
      read = fs.readSync(fd, buffer, length, buffer.length - length, null);
    }
  } finally {
    fs.closeSync(fd);
  }
  if (length > limit) throw because(WHY.too_big.replace("{limit}", limit));
  try {
    return JSON.parse(UTF8.decode(buffer.subarray(0, length)));
  } catch {
    throw because(WHY.not_json);
  }
}

const isObject = (value) => typeof value === "object" && value !== null && !Array.isArray(value);
const field = (value, key) => (Object.hasOwn(value, key) ? value[key] : "");
const isLease = (value) => isObject(value) && typeof value.writer === "string" && WRITER_NAME.test(value.writer);
const isRecord = (value) =>
  isObject(value) && typeof field(value, "first_snapshot") === "string" && typeof field(value, "latest") === "string" &&
  (field(value, "latest") === "" || SNAPSHOT_NAME.test(value.latest));

/** "" once `folder` is a folder of the bucket's own (made where missing), else what is in its place: a link would
 * take restores and snapshots out of the bucket. Throws when it can't be made. */
function inTheWay(folder) {
  try {
    fs.mkdirSync(folder);
    return "";
  } catch (error) {
    if (error.code !== "EEXIST") throw error;
  }
  const stats = fs.lstatSync(folder);
  return stats.isSymbolicLink() ? WHY.link : stats.isDirectory() ? "" : WHY.not_folder;
}

/** WAL mode (kept in the file): a snapshot, a reader, then never holds up or fails the app's writes, whatever its
 * driver's busy timeout. Tried without waiting, as a lock held waiting would hold up the app's writes; false while
 * the app holds one: tried again at the next snapshot. */
function useWal(db) {
  db.exec("PRAGMA busy_timeout=0");
  try {
    return String(Object.values(db.prepare("PRAGMA journal_mode=WAL").get())[0]).toLowerCase() === "wal";
  } catch {
    return false;
  } finally {
    db.exec("PRAGMA busy_timeout=1000");
  }
}

const removeIfThere = (file) => fs.rmSync(file, { force: true });
const msSince = (started) => Math.round(performance.now() - started);

class Database {
  constructor(live, folder) {
    this.live = live; // the file the app opens, on local disk
    this.folder = folder; // its snapshots in the bucket
    this.name = path.basename(live);
    this.marker = path.join(path.dirname(folder), `${this.name}.json`);
    this.connection = null;
    this.inode = null;
    this.version = null; // PRAGMA data_version when last kept (restored or snapshotted)
    this.snapshots = 0;
    this.failure = ""; // the last snapshot's error, until one succeeds
    this.wal = false; // the file is in WAL mode
  }
}

/** One container's side of the bucket: restore, claim the lease, snapshot until stopped or superseded. */
export class Keeper {
  constructor(mount, files, interval) {
    this.mount = mount;
    this.interval = interval;
    this.writer = `${String(Date.now()).padStart(13, "0")}-${randomBytes(3).toString("hex")}`;
    this.databases = files.map((file) => new Database(file, path.join(mount, LAYOUT.snapshots, path.basename(file))));
    this.sequence = 0;
    this.superseded = false;
    this.stopped = false; // the last snapshot is taken
    this.stopping = false; // the servers stopped taking writes: the last snapshot is taken even without WAL
    this.timer = null;
    this.busy = Promise.resolve([]);
    this.scratch = fs.mkdtempSync(path.join(os.tmpdir(), "space-snapshots-"));
    this.ignored = new Set();
  }

  checkMount() {
    if (!mounted(this.mount)) refuse("not_mounted", { mount: this.mount });
    for (const folder of [path.join(this.mount, LAYOUT.snapshots), ...this.databases.map((d) => d.folder)]) {
      let reason;
      try {
        reason = inTheWay(folder);
        if (!reason) fs.readdirSync(folder);
      } catch (error) {
        refuse("not_writable", { mount: this.mount, reason: error.code ?? error.message });
      }
      if (reason) refuse("in_the_way", { path: folder, reason });
    }
  }

  /** Name, once, what the bucket holds that this template never wrote there, and why it is not read. */
  ignore(file, reason) {
    if (this.ignored.has(file)) return;
    this.ignored.add(file);
    say("ignored", { path: file, reason });
  }

  /** The JSON object in `file` when it has the `shape` this template writes; null when there is none, or (named
   * once) anything else. */
  bucketJson(file, shape, why) {
    let value;
    try {
      value = readJson(file);
    } catch (error) {
      if (error.code !== "ENOENT") this.ignore(file, reasonOf(error));
      return null;
    }
    if (shape(value)) return value;
    this.ignore(file, why);
    return null;
  }

  /** What the bucket records of a file: its first snapshot's time and its latest snapshot's name. */
  recorded(database) {
    return this.bucketJson(database.marker, isRecord, WHY.record) ?? {};
  }

  /** The file's snapshots, newest first: regular files of a snapshot's name, the name checked first. */
  snapshotNames(database) {
    let entries;
    try {
      entries = fs.readdirSync(database.folder, { withFileTypes: true });
    } catch (error) {
      if (error.code === "ENOENT") return [];
      throw error;
    }
    const names = [];
    for (const entry of entries) {
      if (entry.name.startsWith(".") || !entry.name.endsWith(LAYOUT.suffix)) continue; // being written, or no snapshot
      const file = path.join(database.folder, entry.name);
      if (!SNAPSHOT_NAME.test(entry.name)) this.ignore(file, WHY.name);
      else if (entry.isSymbolicLink()) this.ignore(file, WHY.link);
      else if (!entry.isFile()) this.ignore(file, WHY.not_file);
      else names.push(entry.name);
    }
    return names.sort().reverse();
  }

  restore(allowEmpty) {
    for (const database of this.databases) {
      this.restoreOne(database, allowEmpty);
      if (fs.existsSync(database.live)) database.version = this.dataVersion(database);
    }
  }

  /** The snapshots, newest first, once the newest the bucket recorded shows (buckets are eventually consistent). */
  visibleNames(database) {
    const latest = this.recorded(database).latest ?? "";
    let names = this.snapshotNames(database);
    if (!latest || names.includes(latest) || (names.length > 0 && latest < names[0])) return names;
    const seconds = LAYOUT.visible_wait_s;
    say("late", { seconds, snapshot: latest, file: database.name });
    const deadline = Date.now() + seconds * 1000;
    while (!names.includes(latest) && Date.now() < deadline) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500); // nothing else runs before the restore
      names = this.snapshotNames(database);
    }
    if (!names.includes(latest)) say("never_visible", { snapshot: latest, file: database.name, seconds });
    return names;
  }

  restoreOne(database, allowEmpty) {
    const names = this.visibleNames(database);
    for (const name of names) {
      const started = performance.now();
      const snapshot = path.join(database.folder, name);
      let reason;
      try {
        reason = this.install(database, snapshot);
      } catch (error) {
        this.ignore(snapshot, reasonOf(error)); // a link or a folder in its place since listed, unreadable, pruned
        continue;
      }
      if (!reason) {
        const size = fs.statSync(database.live).size;
        const taken = new Date(Number(name.slice(0, 13))).toISOString().replace(/\.\d+Z$/, "+00:00");
        say("restored", { file: database.name, snapshot: name, size, taken, ms: msSince(started) });
        return;
      }
      say("corrupt", { snapshot: name, file: database.name, reason });
    }
    if (names.length > 0 && !allowEmpty) {
      refuse("all_corrupt", { file: database.name, folder: database.folder, count: names.length });
    }
    if (fs.lstatSync(database.marker, { throwIfNoEntry: false }) || names.length > 0) {
      if (!allowEmpty) {
        const since = this.recorded(database).first_snapshot || "?";
        refuse("lost", { mount: this.mount, file: database.name, since });
      }
      say("start_empty", { file: database.name, mount: this.mount });
      return;
    }
    say("first_start", { file: database.name, mount: this.mount });
  }

  /** Copy a snapshot next to the live file and check it; put it in place only when sound. Throws when it is no
   * regular file or can't be read. */
  install(database, snapshot) {
    fs.mkdirSync(path.dirname(database.live), { recursive: true });
    const incoming = `${database.live}.restoring`;
    const source = openFile(snapshot);
    try {
      copyOpened(source, incoming);
    } catch (error) {
      removeIfThere(incoming);
      throw error;
    } finally {
      fs.closeSync(source);
    }
    const reason = integrity(incoming);
    if (reason) {
      removeIfThere(incoming);
      return reason;
    }
    for (const suffix of ["-wal", "-shm", "-journal"]) removeIfThere(database.live + suffix); // another file's
    fs.renameSync(incoming, database.live);
    return "";
  }

  /** Name this container the writer: an older one still running sees it and stops snapshotting. */
  claim() {
    const lease = { writer: this.writer, space: process.env.SPACE_ID ?? "" };
    const file = path.join(this.mount, LAYOUT.lease);
    try {
      writeText(file, JSON.stringify(lease));
    } catch (error) {
      if (fs.lstatSync(file, { throwIfNoEntry: false })?.isDirectory()) {
        refuse("in_the_way", { path: file, reason: WHY.not_file });
      }
      refuse("not_writable", { mount: this.mount, reason: error.code ?? error.message });
    }
  }

  start() {
    const files = this.databases.map((database) => database.name).join(", ");
    say("keeping", { files, mount: this.mount, interval: this.interval });
    this.timer = setInterval(() => this.tick(), this.interval * 1000);
    this.timer.unref(); // the server keeps the process alive, not the snapshots
  }

  /** Snapshot every changed database, one run at a time; resolves to what was kept (`auth.db (8192 bytes, 3 ms)`). */
  tick() {
    this.busy = this.busy.then(async () => {
      if (this.superseded || this.newerWriter()) return [];
      const kept = [];
      for (const database of this.databases) {
        try {
          const keptOne = await this.snapshot(database);
          if (keptOne) kept.push(keptOne);
          database.failure = "";
        } catch (error) {
          // any error of one round: said once, not every few seconds, and the next round tries again
          if (error.message !== database.failure) {
            say("snapshot_failed", { file: database.name, reason: error.message, interval: this.interval });
          }
          database.failure = error.message;
        }
      }
      return kept;
    });
    return this.busy;
  }

  /** The files there are now in WAL mode, before the app serves (the pre-start command may have made them). */
  prepare() {
    for (const database of this.databases) if (fs.existsSync(database.live)) this.dataVersion(database);
  }

  newerWriter() {
    const writer = this.bucketJson(path.join(this.mount, LAYOUT.lease), isLease, WHY.lease)?.writer ?? "";
    if (writer > this.writer) {
      this.superseded = true;
      say("superseded", { writer, mount: this.mount });
    }
    return this.superseded;
  }

  dataVersion(database) {
    const inode = fs.statSync(database.live).ino;
    if (database.connection === null || database.inode !== inode) {
      // first time, or the app replaced the file
      database.connection?.close();
      // Read-write only for the journal mode: nothing else is ever written through it.
      database.connection = new DatabaseSync(database.live, { timeout: 1000 });
      database.inode = inode;
      database.version = null;
      database.wal = false;
    }
    database.wal ||= useWal(database.connection);
    return database.connection.prepare("PRAGMA data_version").get().data_version;
  }

  /** Where a snapshot of `database` would be copied locally first, or null when it has not changed. */
  changed(database, scratchName) {
    if (!fs.existsSync(database.live)) return null;
    const version = this.dataVersion(database); // read before the copy: a write during it is seen next time
    if (version === database.version) return null;
    const local = path.join(this.scratch, scratchName);
    removeIfThere(local);
    return { version, local, started: performance.now() };
  }

  /** Where the next snapshot goes on the bucket (its folder made). */
  nextPath(database) {
    this.sequence += 1;
    for (const folder of [path.dirname(database.folder), database.folder]) {
      const reason = inTheWay(folder);
      if (reason) throw new Error(`${folder} is in the way (${reason})`);
    }
    return path.join(database.folder, `${this.writer}-${String(this.sequence).padStart(8, "0")}${LAYOUT.suffix}`);
  }

  /** The local copy, whole and renamed onto the bucket; old ones pruned. */
  async keep(database, copy) {
    const target = this.nextPath(database);
    await writeWholeAsync(copy.local, target);
    return this.kept(database, copy, path.basename(target));
  }

  /** The same, synchronously: for an exit nothing can be awaited in. */
  keepNow(database, copy) {
    const target = this.nextPath(database);
    writeWhole(copy.local, target);
    return this.kept(database, copy, path.basename(target));
  }

  /** Its marker, counts and first-snapshot line once the snapshot is on the bucket; the oldest beyond `keep` go. */
  kept(database, { version, local, started }, name) {
    const record = this.recorded(database);
    const first = record.first_snapshot || new Date().toISOString().replace(/\.\d+Z$/, "+00:00");
    try {
      writeText(database.marker, JSON.stringify({ ...record, first_snapshot: first, latest: name }));
    } catch (error) {
      if (error.code !== "EISDIR") throw error;
      this.ignore(database.marker, WHY.not_file); // a folder in its place: the snapshot is kept all the same
    }
    database.version = version;
    database.snapshots += 1;
    const size = fs.statSync(local).size;
    const ms = msSince(started);
    if (database.snapshots === 1) say("first_snapshot", { file: database.name, snapshot: name, size, ms });
    for (const old of this.snapshotNames(database).slice(LAYOUT.keep)) removeIfThere(path.join(database.folder, old));
    return `${database.name} (${size} bytes, ${ms} ms)`;
  }

  async snapshot(database) {
    const copy = this.changed(database, database.name);
    if (!copy) return "";
    // Not in WAL yet (the app held a lock at each try): a copy now would hold up the app's commits; the last one,
    // once the servers stopped taking writes, is taken regardless.
    if (!database.wal && !this.stopping) return "";
    await backup(database.connection, copy.local); // SQLite's online backup: a consistent copy, the app keeps running
    return this.keep(database, copy);
  }

  /** The same, synchronously (VACUUM INTO): for an exit nothing can be awaited in. */
  snapshotNow(database) {
    const copy = this.changed(database, `${database.name}.exit`);
    if (!copy) return "";
    database.connection.exec(`VACUUM INTO '${copy.local.replaceAll("'", "''")}'`);
    return this.keepNow(database, copy);
  }

  /** On exit: the last snapshot, after the servers stopped taking writes. */
  async stop() {
    clearInterval(this.timer);
    this.stopping = true;
    if (this.superseded || this.stopped) return;
    const kept = await this.tick();
    this.stopped = true;
    if (this.superseded) return;
    if (kept.length > 0) say("final", { files: kept.join(", ") });
    else say("final_unchanged");
  }

  /** A backend that calls process.exit() in its own SIGTERM handler ends the process before stop() can: the
   * last snapshot is then taken synchronously, in the exit event (not after a refused start, exit code 78). */
  stopOnExit() {
    process.on("exit", (code) => {
      if (code === 78 || this.superseded || this.stopped || this.newerWriter()) return;
      this.stopped = true;
      const kept = [];
      for (const database of this.databases) {
        try {
          const keptOne = this.snapshotNow(database);
          if (keptOne) kept.push(keptOne);
        } catch (error) {
          say("snapshot_failed", { file: database.name, reason: error.message, interval: this.interval });
        }
      }
      if (kept.length > 0) say("final", { files: kept.join(", ") });
      else say("final_unchanged");
    });
  }
}

function files(space, env) {
  return space.sqlite_files.map((entry) => {
    const value = entry.startsWith("$") ? (env[entry.slice(1)] ?? "").trim() : entry;
    if (!value) fail(`sqlite_files names ${entry}, which is empty: set it to the SQLite file's path.`);
    return path.resolve(value);
  });
}

/** Restore and start keeping the Space's SQLite files when storage=bucket; say what storage means otherwise. */
export function keeper(space, env = process.env) {
  const storage = space.storage ?? "none";
  if (storage === "external") announceExternal(env);
  if (storage !== "bucket") {
    if (storage === "none") say("none");
    return null;
  }
  const keeping = new Keeper(space.storage_mount, files(space, env), Number(space.snapshot_interval));
  keeping.checkMount();
  keeping.restore(["1", "true", "yes"].includes((env.STORAGE_ALLOW_EMPTY ?? "").trim()));
  keeping.claim();
  keeping.start();
  keeping.stopOnExit();
  return keeping;
}
