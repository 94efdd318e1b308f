/** A response read fully: status, parsed JSON (when it is JSON) and the raw text. */
export interface Reply {
  status: number
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers of many shapes
  json: any
  text: string
  headers: Headers
}

/** POST a body (JSON-encoded unless it is a string) and read the answer. */
export async function post(
  url: string,
  body: unknown,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): Promise<Reply> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return read(r)
}

export async function get(url: string): Promise<Reply> {
  return read(await fetch(url))
}

async function read(r: Response): Promise<Reply> {
  const text = await r.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: r.status, json, text, headers: r.headers }
}
