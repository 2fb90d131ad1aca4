import { dirname } from "node:path";
import { describeFsError } from "../../fs/describe-fs-error.js";
import { readRegularFile } from "../../fs/read-regular-file.js";
import { isWithin, realPathOf } from "../../fs/real-path.js";
import { FileError } from "../../errors.js";

/** Key files larger than this are refused: one key is a few KiB at most. */
export const MAX_KEY_FILE_BYTES = 64 * 1024;

/** Never read, wherever the spec is: the kernel's views of processes, devices and itself. */
const FORBIDDEN_ROOTS: readonly string[] = ["/proc", "/dev", "/sys"];

/**
 * The one answer for every path a `file:` source may not read, whether it exists or not and
 * whatever it is: a spec must not be a way to learn about files outside its tree.
 */
export const OUTSIDE_SPEC_TREE =
  "is outside the spec file's directory tree: file: sources are read only from inside it (symlinks " +
  "resolved) and never from /proc, /dev or /sys; to keep keys elsewhere, put the spec beside them " +
  "(-f) or pass the key through env:KEYSYNC_…";

/**
 * Reads the key file at `absPath` for a `file:` source of the spec at `specPath`: null when there
 * is no such file. Confined (issue 16 #4): the path is resolved, every symlink followed, and must
 * land inside the spec file's directory (itself resolved) and outside /proc, /dev and /sys, or
 * this throws `FileError(OUTSIDE_SPEC_TREE)` before anything is opened. Inside, the file must be a
 * regular file of at most `MAX_KEY_FILE_BYTES` (a FIFO is refused without waiting on it); other
 * problems are a `FileError` with a short reason. The file's content never appears in an error.
 * This is the one place key files touch the file system; everything after it takes bytes.
 */
export async function readKeyFile(absPath: string, specPath: string): Promise<Uint8Array | null> {
  const [real, root] = await Promise.all([realPathOf(absPath), realPathOf(dirname(specPath))]);
  if (!isWithin(real, root) || FORBIDDEN_ROOTS.some((forbidden) => isWithin(real, forbidden))) {
    throw new FileError(OUTSIDE_SPEC_TREE);
  }
  let read;
  try {
    read = await readRegularFile(real, MAX_KEY_FILE_BYTES, "key files");
  } catch (error: unknown) {
    throw new FileError(`cannot be read: ${describeFsError(error)}`);
  }
  switch (read.kind) {
    case "bytes":
      return read.bytes;
    case "absent":
      return null;
    case "refused":
      throw new FileError(read.reason);
  }
}
