import { lstat, readlink, realpath } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { errnoCode } from "./describe-fs-error.js";

/** As many symbolic links as Linux follows in one path before it answers ELOOP. */
const MAX_LINKS = 40;

/**
 * The one name of the state file at `path`, from which the lock path is derived and to which
 * writes go: every spelling of one state (a symlink to it, a symlinked directory, `a/../x`)
 * gives the same answer, so two keysyncs reaching one file by two paths contend for one lock.
 *
 * - A file that exists: its real path (every symlink resolved).
 * - No file yet: the real path of its directory, joined with its name.
 * - A symlink to a file that does not exist yet: followed, so the first write creates the file
 *   the link names and the link stays a link.
 * - Anything that cannot be resolved (a directory missing, a loop, no permission): the path as
 *   given, made absolute; opening or locking it then reports the problem.
 */
export async function canonicalStatePath(path: string): Promise<string> {
  let current = resolve(path);
  for (let hops = 0; hops <= MAX_LINKS; hops += 1) {
    try {
      return await realpath(current);
    } catch (error: unknown) {
      if (errnoCode(error) !== "ENOENT") return current;
    }
    let dir: string;
    try {
      dir = await realpath(dirname(current));
    } catch {
      return current;
    }
    const name = basename(current);
    let link: string | null;
    try {
      const info = await lstat(join(dir, name));
      link = info.isSymbolicLink() ? await readlink(join(dir, name)) : null;
    } catch (error: unknown) {
      if (errnoCode(error) !== "ENOENT") return current;
      link = null;
    }
    if (link === null) return join(dir, name);
    current = resolve(dir, link);
  }
  return current;
}
