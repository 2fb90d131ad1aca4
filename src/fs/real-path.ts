import { lstat, readlink, realpath } from "node:fs/promises";
import { basename, dirname, join, resolve, sep } from "node:path";
import { errnoCode } from "./describe-fs-error.js";

/** As many symbolic links as Linux follows in one path before it answers ELOOP. */
const MAX_LINKS = 40;

/**
 * The one name of the file at `path`, whether or not it exists: every spelling of one file (a
 * symlink to it, a symlinked directory on the way, `a/../x`) gives the same answer. What the
 * state lock is derived from (two keysyncs reaching one state by two paths must contend for one
 * lock) and what `file:` confinement judges (a link inside the spec's tree to a file outside it
 * is outside, whether that file exists or not).
 *
 * - A file that exists: its real path (every symlink resolved).
 * - One that does not: the resolved path of its nearest existing ancestor, joined with the rest;
 *   a dangling symlink on the way is followed, so the first write creates the file it names.
 * - Anything that cannot be resolved (a loop, no permission): the path as given, made absolute;
 *   opening it then reports the problem.
 */
export async function realPathOf(path: string): Promise<string> {
  const given = resolve(path);
  return (await resolveFrom(given, 0)) ?? given;
}

/** null when the path cannot be resolved (too many links, or an error other than "missing"). */
async function resolveFrom(path: string, links: number): Promise<string | null> {
  try {
    return await realpath(path);
  } catch (error: unknown) {
    const code = errnoCode(error);
    if (code !== "ENOENT" && code !== "ENOTDIR") return null;
  }
  const parent = dirname(path);
  if (parent === path) return path;
  const realParent = await resolveFrom(parent, links);
  if (realParent === null) return null;
  const candidate = join(realParent, basename(path));
  let target: string;
  try {
    if (!(await lstat(candidate)).isSymbolicLink()) return candidate;
    target = await readlink(candidate);
  } catch (error: unknown) {
    const code = errnoCode(error);
    return code === "ENOENT" || code === "ENOTDIR" ? candidate : null;
  }
  if (links >= MAX_LINKS) return null;
  return resolveFrom(resolve(realParent, target), links + 1);
}

/** True when `path` is `dir` or inside it (both already resolved, absolute). */
export function isWithin(path: string, dir: string): boolean {
  if (path === dir) return true;
  const prefix = dir.endsWith(sep) ? dir : `${dir}${sep}`;
  return path.startsWith(prefix);
}
