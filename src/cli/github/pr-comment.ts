import { KeysyncError } from "../../errors.js";

/** GitHub's hard limit on a comment body. keysync's Markdown stays under 60,000 characters. */
export const GITHUB_COMMENT_MAX_CHARS = 65_536;
/** Comment pages read at most while looking for keysync's previous comment (100 per page). */
const MAX_PAGES = 50;
const PAGE_SIZE = 100;

/** A GitHub API call that failed; carries the status and GitHub's own message, never the token. */
export class GithubApiError extends KeysyncError {
  override readonly name = "GithubApiError";
}

export interface CommentTarget {
  /** `GITHUB_API_URL`, e.g. `https://api.github.com`; tests point it at a loopback fake. */
  readonly apiUrl: string;
  /** `owner/name`. */
  readonly repository: string;
  readonly pullRequest: number;
  readonly token: string;
  /** Only a comment by this login is updated, so nobody can plant a marker to hijack it. */
  readonly author: string;
}

export interface UpsertResult {
  readonly action: "created" | "updated";
  readonly id: number;
  readonly url: string;
}

/** The hidden marker line keysync's Markdown starts with, or null when `body` has none. */
export function markerOf(body: string): string | null {
  const [first = ""] = body.split("\n", 1);
  return /^<!-- keysync:(plan|apply) target=\S* -->$/.test(first) ? first : null;
}

/**
 * Posts `body` on the pull request, or updates keysync's previous comment in place: the first
 * comment (oldest first, every page read) whose first line is the same marker and whose author is
 * `target.author`. Sticky comments are how tfcmt (`-patch`) and Atlantis keep one plan per PR.
 * The token goes only in the Authorization header, only to `target.apiUrl`.
 */
export async function upsertPrComment(
  target: CommentTarget,
  body: string,
  fetchImpl: typeof fetch = fetch,
): Promise<UpsertResult> {
  const marker = markerOf(body);
  if (marker === null)
    throw new GithubApiError("the Markdown has no keysync marker line; refusing to post it");
  if (body.length > GITHUB_COMMENT_MAX_CHARS)
    throw new GithubApiError(
      `the comment is ${body.length} characters; GitHub accepts ${GITHUB_COMMENT_MAX_CHARS}`,
    );
  if (!/^[A-Za-z0-9-]+\/(?!\.\.?$)[\w.-]+$/.test(target.repository))
    throw new GithubApiError(`GITHUB_REPOSITORY ${JSON.stringify(target.repository)} is not owner/name`);

  const api = new Api(target, fetchImpl);
  const issue = `/repos/${target.repository}/issues/${target.pullRequest}`;
  const previous = await findComment(api, issue, marker, target.author);
  const reply =
    previous === null
      ? await api.send("POST", `${issue}/comments`, { body })
      : await api.send("PATCH", `/repos/${target.repository}/issues/comments/${previous}`, { body });
  const comment = asComment(reply);
  if (comment === null)
    throw new GithubApiError("GitHub answered the comment request with an unexpected body");
  return { action: previous === null ? "created" : "updated", id: comment.id, url: comment.htmlUrl };
}

async function findComment(api: Api, issue: string, marker: string, author: string): Promise<number | null> {
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const reply = await api.send("GET", `${issue}/comments?per_page=${PAGE_SIZE}&page=${page}`);
    if (!Array.isArray(reply))
      throw new GithubApiError("GitHub answered the comment list with an unexpected body");
    for (const item of reply as unknown[]) {
      const comment = asComment(item);
      if (comment !== null && comment.author === author && markerOf(comment.body) === marker)
        return comment.id;
    }
    if (reply.length < PAGE_SIZE) return null;
  }
  return null;
}

interface Comment {
  readonly id: number;
  readonly body: string;
  readonly author: string | null;
  readonly htmlUrl: string;
}

function asComment(value: unknown): Comment | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  const user =
    typeof v["user"] === "object" && v["user"] !== null ? (v["user"] as Record<string, unknown>) : {};
  if (typeof v["id"] !== "number") return null;
  return {
    id: v["id"],
    body: typeof v["body"] === "string" ? v["body"] : "",
    author: typeof user["login"] === "string" ? user["login"] : null,
    htmlUrl: typeof v["html_url"] === "string" ? v["html_url"] : "",
  };
}

class Api {
  readonly #base: string;
  constructor(
    private readonly target: CommentTarget,
    private readonly fetchImpl: typeof fetch,
  ) {
    this.#base = target.apiUrl.replace(/\/+$/, "");
  }

  async send(method: "GET" | "POST" | "PATCH", path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = {
      Accept: "application/vnd.github+json",
      Authorization: `Bearer ${this.target.token}`,
      "User-Agent": "keysync",
      "X-GitHub-Api-Version": "2022-11-28",
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.#base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        redirect: "error",
      });
    } catch {
      throw new GithubApiError(
        `cannot reach the GitHub API at ${this.#base} (${method} ${path.split("?")[0] ?? ""})`,
      );
    }
    const text = await response.text();
    const json = parseJson(text);
    if (!response.ok) {
      const message =
        typeof json === "object" &&
        json !== null &&
        typeof (json as Record<string, unknown>)["message"] === "string"
          ? `: ${String((json as Record<string, unknown>)["message"])}`
          : "";
      throw new GithubApiError(
        `GitHub API ${method} ${path.split("?")[0] ?? ""} answered ${response.status}${message}`,
      );
    }
    return json;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
