/**
 * .dockerignore as Docker reads it: one pattern a line, `#` comments, `!` re-includes, `*` and `?`
 * within one path segment, `**` across segments; a pattern that matches a directory matches
 * everything below it; the last matching pattern decides.
 */

interface Pattern {
  exclusion: boolean;
  regex: RegExp;
}

function toRegex(pattern: string): RegExp {
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] ?? '';
    if (char === '*' && pattern[i + 1] === '*') {
      if (pattern[i + 2] === '/') {
        source += '(?:.*/)?';
        i += 2;
      } else {
        source += '.*';
        i += 1;
      }
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const end = pattern.indexOf(']', i);
      if (end === -1) throw new Error(`.dockerignore pattern "${pattern}": unclosed [`);
      source += pattern.slice(i, end + 1).replace(/^\[!/, '[^');
      i = end;
    } else source += char.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`${source}$`);
}

function cleanPath(text: string): string {
  return text
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');
}

/** A predicate telling whether a context-relative path (forward slashes) is left out of the build context. */
export function dockerignoreMatcher(text: string): (path: string) => boolean {
  const patterns: Pattern[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const exclusion = trimmed.startsWith('!');
    const body = cleanPath(exclusion ? trimmed.slice(1).trim() : trimmed);
    if (body === '') continue;
    patterns.push({ exclusion, regex: toRegex(body) });
  }
  return (path: string): boolean => {
    const parts = cleanPath(path).split('/');
    const candidates = parts.map((_, index) => parts.slice(0, index + 1).join('/'));
    let excluded = false;
    for (const pattern of patterns) {
      if (candidates.some((candidate) => pattern.regex.test(candidate))) excluded = !pattern.exclusion;
    }
    return excluded;
  };
}
