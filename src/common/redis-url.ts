/**
 * A Redis URL as it may be printed: the password (and only the password) replaced by `***`. The one
 * place that decides how a Redis URL looks in a log line or an error message.
 */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    // not a URL we can parse: hide whatever sits between the scheme and an '@'
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@');
  }
}

/** Replaces every Redis URL inside a text (an error message, say) by its redacted form. */
export function redactRedisUrlsIn(text: string): string {
  // a sentence's closing punctuation is not part of the URL
  return text.replace(/rediss?:\/\/[^\s"'`,]+?(?=[.;:)]*(?:[\s"'`,]|$))/gi, (url) => redactRedisUrl(url));
}
