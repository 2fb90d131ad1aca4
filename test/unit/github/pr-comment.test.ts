import { describe, expect, it } from "vitest";
import { markerOf, upsertPrComment } from "../../../src/cli/github/pr-comment.js";
import type { CommentTarget } from "../../../src/cli/github/pr-comment.js";

const target: CommentTarget = {
  apiUrl: "http://127.0.0.1:9/api/",
  repository: "acme/keys",
  pullRequest: 7,
  token: "ghs_secret_token_value",
  author: "github-actions[bot]",
};
const body = "<!-- keysync:plan target=http://h -->\n## keysync plan\n";

/** A fetch that answers from a script and records the calls. */
function scripted(...answers: [number, unknown][]): { fetch: typeof fetch; calls: string[] } {
  const calls: string[] = [];
  const impl = (url: string, init?: RequestInit): Promise<Response> => {
    calls.push(`${init?.method ?? "GET"} ${url}`);
    const [status, json] = answers.shift() ?? [500, {}];
    return Promise.resolve(new Response(JSON.stringify(json), { status }));
  };
  return { fetch: impl as unknown as typeof fetch, calls };
}

describe("the pull-request comment", () => {
  it("finds keysync's marker only on the first line", () => {
    expect(markerOf(body)).toBe("<!-- keysync:plan target=http://h -->");
    expect(markerOf("<!-- keysync:apply target=x -->")).toBe("<!-- keysync:apply target=x -->");
    expect(markerOf("hello\n<!-- keysync:plan target=x -->")).toBeNull();
  });

  it("creates a comment when no earlier one by the author carries the marker", async () => {
    const api = scripted(
      [200, [{ id: 1, body, user: { login: "mallory" } }]],
      [201, { id: 2, html_url: "u" }],
    );
    expect(await upsertPrComment(target, body, api.fetch)).toEqual({ action: "created", id: 2, url: "u" });
    expect(api.calls).toEqual([
      "GET http://127.0.0.1:9/api/repos/acme/keys/issues/7/comments?per_page=100&page=1",
      "POST http://127.0.0.1:9/api/repos/acme/keys/issues/7/comments",
    ]);
  });

  it("reports a refusal with GitHub's message and never the token", async () => {
    const api = scripted([403, { message: "Resource not accessible by integration" }]);
    const failure = upsertPrComment(target, body, api.fetch);
    await expect(failure).rejects.toThrow(
      "GitHub API GET /repos/acme/keys/issues/7/comments answered 403: Resource not accessible by integration",
    );
    await failure.catch((error: unknown) => {
      expect(String(error)).not.toContain(target.token);
    });
  });

  it("refuses Markdown without a marker and a malformed repository", async () => {
    await expect(upsertPrComment(target, "## no marker\n", scripted().fetch)).rejects.toThrow(
      /no keysync marker/,
    );
    await expect(
      upsertPrComment({ ...target, repository: "acme/.." }, body, scripted().fetch),
    ).rejects.toThrow(/not owner\/name/);
  });
});
