import { link, open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { errnoCode } from "../fs/describe-fs-error.js";
import { tempPathFor } from "./temp-files.js";

/** Every file keysync writes beside the state: readable and writable by the owner only. */
export const FILE_MODE = 0o600;

/**
 * Replaces `path` with `data` so that, whatever happens (a crash, `kill -9`, power loss after
 * return), `path` holds either its old content or the whole new content, never a mix.
 *
 * Steps: create a temp file beside `path` (exclusive, mode 0600, then chmod 0600 so the umask
 * cannot change it), write, fsync, rename over `path`, fsync the directory (so the rename itself
 * survives power loss). On failure the temp file is removed and the original error rethrown
 * (a Node.js system error; callers describe it). A process killed before the rename leaves an
 * orphan temp file (see temp-files.ts), which the next keysync removes.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(path);
  try {
    await writeSynced(temp, data);
    await rename(temp, path);
  } catch (error: unknown) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(path));
}

/**
 * Creates `path` with `data` only if nothing exists there (an `EEXIST` error otherwise), such that
 * no other process can ever see it empty or half written: the content is written to a temp file
 * first and hard-linked into place (`link` fails atomically when `path` exists). File systems
 * without hard links fall back to an exclusive create then a write.
 */
export async function createExclusive(path: string, data: string): Promise<void> {
  const temp = tempPathFor(path);
  try {
    await writeSynced(temp, data);
    try {
      await link(temp, path);
    } catch (error: unknown) {
      if (!NO_HARD_LINKS.has(errnoCode(error) ?? "")) throw error;
      await writeSynced(path, data);
    }
  } finally {
    await rm(temp, { force: true }).catch(() => undefined);
  }
  await syncDirectory(dirname(path));
}

const NO_HARD_LINKS: ReadonlySet<string> = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EXDEV"]);

/** Creates `path` exclusively with mode 0600, writes `data`, and fsyncs it before closing. */
async function writeSynced(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, "wx", FILE_MODE);
  try {
    await handle.chmod(FILE_MODE);
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Makes a rename or link in `dir` durable. Platforms that cannot fsync a directory (Windows, some
 * network file systems) refuse with one of the codes below; the data itself is already synced.
 */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch (error: unknown) {
    if (!DIR_SYNC_UNSUPPORTED.has(errnoCode(error) ?? "")) throw error;
  } finally {
    await handle?.close();
  }
}

const DIR_SYNC_UNSUPPORTED: ReadonlySet<string> = new Set(["EISDIR", "EINVAL", "EPERM", "EBADF", "ENOTSUP"]);
