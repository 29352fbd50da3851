/**
 * The action's messages name its inputs (`Input \`allow-deletes\``, `allow-deletes is false`, `set
 * protect-in-use: false`); on a terminal the same settings are options. This rewrites those names,
 * and only names that are options of the command line, so every other word is left as it is.
 */
const NAME = '[a-z][a-z0-9]*(?:-[a-z0-9]+)*';

export function inOptionTerms(message: string, options: ReadonlySet<string>): string {
  const known = (name: string): boolean => options.has(name);
  return (
    message
      // "Input `timeout` ..." / "Inputs `a` and `b` ..."
      .replace(new RegExp(`\\bInput(s?) (?=\`(${NAME})\`)`, 'g'), (whole, plural: string, name: string) => (known(name) ? `Option${plural} ` : whole))
      .replace(new RegExp(`\`(${NAME})\``, 'g'), (whole, name: string) => (known(name) ? `\`--${name}\`` : whole))
      // "set protect-in-use: false", "(allow-unreviewed-changes: true)"
      .replace(new RegExp(`(?<![\\w\`-])(${NAME}): (true|false)\\b`, 'g'), (whole, name: string, value: string) => (known(name) ? `--${name} ${value}` : whole))
      // "allow-deletes is false"
      .replace(new RegExp(`(?<![\\w\`-])(${NAME}) is (true|false)\\b`, 'g'), (whole, name: string, value: string) => (known(name) ? `--${name} is ${value}` : whole))
  );
}
