/**
 * Load-time check that a user-supplied pattern runs in linear time on the V8 backtracking engine.
 *
 * The rule is deliberately conservative (STYLE: linear-time regexes only): every quantifier is bounded
 * (`{m,n}` with n ≤ 1000, or `?`), no quantified group contains another quantifier or an alternation, and no
 * back-references. With those, the work per start position is bounded by a constant, so a scan is linear in
 * the text length. `*`, `+` and `{n,}` are refused with a hint to write `{1,64}` instead.
 */
import { ConfigError, type ErrorLocation } from '../core/errors.js';

const MAX_BOUND = 1000;

interface Group {
  hasQuantifier: boolean;
  hasAlternation: boolean;
}

/**
 * Throw unless `source` is a pattern with bounded, non-nested quantifiers.
 *
 * @throws ConfigError LG_PATTERN_UNSAFE naming the offending construct and `location`
 * @example
 * assertLinearPattern('EMP-\\d{6}') // ok
 * assertLinearPattern('(a+)+')      // throws
 */
export function assertLinearPattern(source: string, location?: ErrorLocation): void {
  const fail = (what: string): never => {
    throw new ConfigError('LG_PATTERN_UNSAFE', `Cannot use pattern: ${what}`, location ? { location } : undefined);
  };
  try {
    new RegExp(source, 'u');
  } catch (e) {
    throw new ConfigError('LG_PATTERN_UNSAFE', `Cannot compile pattern: ${(e as Error).message}`, {
      cause: e,
      ...(location ? { location } : {}),
    });
  }
  const stack: Group[] = [{ hasQuantifier: false, hasAlternation: false }];
  let lastAtomGroup: Group | null = null;
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i]!;
    if (c === '\\') {
      const d = source[i + 1] ?? '';
      if (/[1-9]/.test(d) || d === 'k') fail('back-references are not allowed');
      // \p{…} / \u{…} escapes
      if ((d === 'p' || d === 'P' || d === 'u') && source[i + 2] === '{') {
        const close = source.indexOf('}', i + 3);
        i = close < 0 ? n : close + 1;
      } else i += 2;
      lastAtomGroup = null;
      continue;
    }
    if (c === '[') {
      i++;
      if (source[i] === '^') i++;
      if (source[i] === ']') i++;
      while (i < n && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      i++;
      lastAtomGroup = null;
      continue;
    }
    if (c === '(') {
      stack.push({ hasQuantifier: false, hasAlternation: false });
      i++;
      if (source[i] === '?') {
        i++;
        if (source[i] === '<' && (source[i + 1] === '=' || source[i + 1] === '!')) i += 2;
        else if (source[i] === '<') {
          const close = source.indexOf('>', i);
          i = close < 0 ? n : close + 1;
        } else i++;
      }
      lastAtomGroup = null;
      continue;
    }
    if (c === ')') {
      const g = stack.pop();
      if (!g || stack.length === 0) fail('unbalanced parenthesis');
      const parent = stack[stack.length - 1]!;
      if (g!.hasQuantifier) parent.hasQuantifier = true;
      lastAtomGroup = g!;
      i++;
      continue;
    }
    if (c === '|') {
      stack[stack.length - 1]!.hasAlternation = true;
      lastAtomGroup = null;
      i++;
      continue;
    }
    if (c === '*' || c === '+') fail(`unbounded quantifier "${c}" at ${i}: write a bounded one such as {1,64}`);
    if (c === '?' || c === '{') {
      let max = 1;
      let len = 1;
      if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
        if (!m) {
          i++;
          lastAtomGroup = null;
          continue;
        }
        if (m[2] !== undefined && m[3] === '') fail(`unbounded quantifier "${m[0]}" at ${i}: give an upper bound`);
        max = Number(m[3] ?? m[1]);
        if (max > MAX_BOUND) fail(`quantifier bound ${max} at ${i} exceeds ${MAX_BOUND}`);
        len = m[0].length;
      }
      if (source[i + len] === '?') len++;
      if (lastAtomGroup && max > 1) {
        if (lastAtomGroup.hasQuantifier) fail(`nested quantifier at ${i}`);
        if (lastAtomGroup.hasAlternation) fail(`quantified alternation at ${i}`);
      }
      stack[stack.length - 1]!.hasQuantifier = true;
      lastAtomGroup = null;
      i += len;
      continue;
    }
    lastAtomGroup = null;
    i++;
  }
  if (stack.length !== 1) fail('unbalanced parenthesis');
}
