import { createRequire } from 'node:module';

/**
 * Known disposable-mail domains, from the `disposable-email-domains` package (a maintained list of about
 * 120,000 domains, pinned in the lock file; updating the package updates the list). Loaded on first use.
 */
let domains: Set<string> | undefined;

export function isDisposableEmail(email: string): boolean {
  domains ??= new Set(createRequire(__filename)('disposable-email-domains') as string[]);
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return domains.has(domain);
}
