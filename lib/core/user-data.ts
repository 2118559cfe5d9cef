import { Fn, IResolveContext, Lazy, Token } from 'aws-cdk-lib';

/**
 * User data is a program run as root: no value that is not the library's own literal is pasted into it. Values
 * (a cluster name, a VPC CIDR, a bucket name, a region, including tokens that CloudFormation fills in at deploy time)
 * reach the instance as base64 and are written to a file; commands read them with `"$(cat <file>)"` inside double
 * quotes, where the shell does not interpret what the file holds. Base64's alphabet (A-Z a-z 0-9 + / =) cannot close
 * the single quotes around it.
 */

/** Files the library writes are under this directory. */
export const VALUES_DIR = '/etc/private-eks';

const SAFE_PATH = /^\/[A-Za-z0-9_./-]+$/;

/**
 * The user-data line that writes `content` (text, may hold tokens) to `path`, a path the library chose. A literal is
 * encoded at synth; a value with tokens becomes `Fn::Base64`, encoded by CloudFormation at deploy time.
 */
export function writeFileLine(path: string, content: string, mode = '0644'): string {
  if (!SAFE_PATH.test(path)) throw new Error(`cdk-private-eks: ${path} is not a path the library writes user data files to`);
  if (!/^0[0-7]{3}$/.test(mode)) throw new Error(`cdk-private-eks: ${mode} is not a file mode`);
  return `install -d -m 0755 "$(dirname ${path})" && printf '%s' '${base64Of(content)}' | base64 -d > ${path} && chmod ${mode} ${path}`;
}

/** The base64 of `content`: computed at synth when it resolves to a literal, else `Fn::Base64` at deploy time. */
export function base64Of(content: string): string {
  if (!Token.isUnresolved(content)) return Buffer.from(content, 'utf8').toString('base64');
  return Lazy.uncachedString({
    produce: (context: IResolveContext) => {
      const resolved = context.resolve(content);
      return typeof resolved === 'string' ? Buffer.from(resolved, 'utf8').toString('base64') : Fn.base64(content);
    },
  });
}

/** A value for a command: the content of a file written with `writeFileLine`, in double quotes. */
export function fileValue(path: string): string {
  if (!SAFE_PATH.test(path)) throw new Error(`cdk-private-eks: ${path} is not a path the library writes user data files to`);
  return `"$(cat ${path})"`;
}

/** Where the values of the JSON file at `path` are kept on the host. */
export function jsonValuesDir(path: string): string {
  return `${VALUES_DIR}/json${path}.d`;
}

/** The program that fills a JSON template's `{"$file": "<name>"}` slots with the files' text (a library literal). */
const FILL_JSON = 'import json, os, sys; d = sys.argv[1]; '
  + 'f = lambda v: open(os.path.join(d, v["$file"]), encoding="utf-8").read() if isinstance(v, dict) and set(v) == {"$file"} '
  + 'else {k: f(x) for k, x in v.items()} if isinstance(v, dict) else [f(x) for x in v] if isinstance(v, list) else v; '
  + 'json.dump(f(json.load(open(sys.argv[2], encoding="utf-8"))), open(sys.argv[3], "w", encoding="utf-8"), indent=2)';

/**
 * User-data lines that write `value` as JSON to `path`. Literal strings are encoded at synth (JSON.stringify escapes
 * them); every string holding a token becomes a file of its own (`jsonValuesDir`) and is put in place on the host by
 * python3's json module, so a value CloudFormation fills in at deploy time can neither break the JSON nor add keys.
 */
export function writeJsonFileLines(path: string, value: unknown, mode = '0644'): string[] {
  const dir = jsonValuesDir(path);
  const lines: string[] = [];
  let n = 0;
  const template = (v: unknown): unknown => {
    if (typeof v === 'string' && Token.isUnresolved(v)) {
      const name = `v${n++}`;
      lines.push(writeFileLine(`${dir}/${name}`, v, '0600'));
      return { $file: name };
    }
    if (Array.isArray(v)) return v.map(template);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, template(x)]));
    return v;
  };
  const json = JSON.stringify(template(value));
  lines.push(writeFileLine(`${dir}/template.json`, json, '0600'));
  lines.push(`install -d -m 0755 "$(dirname ${path})" && python3 -c '${FILL_JSON}' ${dir} ${dir}/template.json ${path} && chmod ${mode} ${path}`);
  return lines;
}
