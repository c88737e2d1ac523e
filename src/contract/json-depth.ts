/**
 * The deepest nesting of `[` and `{` in a JSON text, counted outside strings in one linear pass and
 * given up as soon as it passes `limit`. JSON.parse and class-transformer both recurse once per
 * level: a few thousand levels (a few KB of `[`) overflow the stack, so the depth is checked first.
 * The text need not be valid JSON; JSON.parse judges that afterwards.
 */
export function jsonNestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return false;
}
