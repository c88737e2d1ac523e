import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface CurlAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON response body, read field by field by the tests
  body: any;
}

/**
 * The real curl binary, as an operator or a client calls the service: `body` is sent as given (a string)
 * or as JSON, `secret` as a bearer key; an empty body (204) is `null`. The status code comes from curl's own `%{http_code}`.
 */
export async function curl(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  options: { body?: unknown; secret?: string } = {},
): Promise<CurlAnswer> {
  const args = ['-sS', '-X', method, '-w', '\n%{http_code}', '--max-time', '20'];
  if (options.secret !== undefined) args.push('-H', `Authorization: Bearer ${options.secret}`);
  if (options.body !== undefined) {
    const text = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    args.push('-H', 'Content-Type: application/json', '--data-binary', text);
  }
  const { stdout } = await execFileAsync('curl', [...args, url]);
  const cut = stdout.lastIndexOf('\n');
  const text = stdout.slice(0, cut);
  // a 204 has no body
  return { status: Number(stdout.slice(cut + 1)), body: text === '' ? null : (JSON.parse(text) as unknown) };
}
