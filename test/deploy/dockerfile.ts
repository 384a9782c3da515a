/**
 * A reader for the parts of the Dockerfile syntax the project's Dockerfile uses: comments, line
 * continuations, global and stage ARGs, `FROM image AS name`, flags such as `COPY --from=build`,
 * and the exec (JSON) form. Enough to check the file statically and to replay its build without a
 * Docker engine; anything it does not understand is reported, not guessed.
 */

export interface Instruction {
  /** Upper-case keyword: FROM, RUN, COPY ... */
  keyword: string;
  /** Everything after the keyword, continuations joined, flags included. */
  raw: string;
  /** `--name=value` flags at the start (COPY --from=build, RUN --mount=...). */
  flags: Record<string, string>;
  /** The arguments after the flags. */
  rest: string;
  /** The JSON array when the arguments are in exec form, else undefined. */
  exec?: string[];
  line: number;
}

export interface Stage {
  /** The image as written, ARGs substituted. */
  from: string;
  name?: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Record<string, string>;
  stages: Stage[];
}

function splitFlags(text: string): { flags: Record<string, string>; rest: string } {
  const flags: Record<string, string> = {};
  let rest = text;
  for (;;) {
    const match = /^--([a-z-]+)(?:=(\S*))?\s+/.exec(rest);
    if (match === null) break;
    flags[match[1] ?? ''] = match[2] ?? '';
    rest = rest.slice(match[0].length);
  }
  return { flags, rest: rest.trim() };
}

function execForm(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** `${NAME}` and `$NAME` replaced from `args`; unknown names are left as they are. */
export function substituteArgs(text: string, args: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    return args[name] ?? whole;
  });
}

/** `NAME=value NAME2="quoted value"` (ENV, ARG, LABEL) → pairs; values unquoted. */
export function parsePairs(text: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  const pattern = /([A-Za-z_][A-Za-z0-9_.-]*)(?:=("(?:[^"\\]|\\.)*"|\S*))?/g;
  for (const match of text.matchAll(pattern)) {
    const name = match[1] ?? '';
    let value = match[2] ?? '';
    if (value.startsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    pairs[name] = value;
  }
  return pairs;
}

export function parseDockerfile(text: string): Dockerfile {
  const logical: { text: string; line: number }[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split('\n').forEach((physical, index) => {
    const trimmed = physical.trim();
    // Comments may sit between continued lines; they end nothing.
    if (trimmed.startsWith('#') || (trimmed === '' && pending === undefined)) return;
    const continued = trimmed.endsWith('\\');
    const piece = continued ? trimmed.slice(0, -1).trim() : trimmed;
    pending = pending === undefined ? { text: piece, line: index + 1 } : { text: `${pending.text} ${piece}`.trim(), line: pending.line };
    if (!continued) {
      logical.push(pending);
      pending = undefined;
    }
  });
  if (pending !== undefined) throw new Error(`Dockerfile line ${pending.line}: the last instruction ends with a line continuation`);

  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const { text: line, line: number } of logical) {
    const match = /^([A-Za-z]+)\s*([\s\S]*)$/.exec(line);
    if (match === null) throw new Error(`Dockerfile line ${number}: cannot read "${line}"`);
    const keyword = (match[1] ?? '').toUpperCase();
    const raw = (match[2] ?? '').trim();
    const { flags, rest } = splitFlags(raw);
    const instruction: Instruction = { keyword, raw, flags, rest, line: number };
    const exec = execForm(rest);
    if (exec !== undefined) instruction.exec = exec;
    if (keyword === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(substituteArgs(rest, globalArgs));
      if (from === null) throw new Error(`Dockerfile line ${number}: cannot read FROM "${rest}"`);
      const stage: Stage = { from: from[1] ?? '', instructions: [] };
      if (from[2] !== undefined) stage.name = from[2];
      stages.push(stage);
      continue;
    }
    const current = stages.at(-1);
    if (current === undefined) {
      if (keyword !== 'ARG') throw new Error(`Dockerfile line ${number}: only ARG may come before the first FROM, found ${keyword}`);
      Object.assign(globalArgs, parsePairs(rest));
      continue;
    }
    current.instructions.push(instruction);
  }
  return { globalArgs, stages };
}

/** The instructions of a stage with this keyword. */
export function instructionsOf(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

/** The key=value pairs of a stage's instructions with this keyword (ENV, LABEL, ARG), later ones winning. */
export function pairsOf(stage: Stage, keyword: string): Record<string, string> {
  return Object.assign({}, ...instructionsOf(stage, keyword).map((i) => parsePairs(i.rest))) as Record<string, string>;
}
