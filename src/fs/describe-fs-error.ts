/** The `code` of a Node.js system error (`ENOENT`, `EEXIST`…), if `error` is one. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOENT: "no such file or directory",
  ENOTDIR: "a parent of it is not a directory",
  EISDIR: "it is a directory",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
  EMFILE: "too many open files",
  ENAMETOOLONG: "the path is too long",
  ELOOP: "too many symbolic links",
  EIO: "input/output error",
};

/**
 * A short, safe description of a file-system error for messages. Built from the error code only:
 * the caller names the file itself, as the user spelt it.
 */
export function describeFsError(error: unknown): string {
  const code = errnoCode(error);
  if (code === undefined) return "an unexpected error";
  return DESCRIPTIONS[code] ?? code;
}
