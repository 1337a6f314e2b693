import { createRequire } from 'node:module';

/**
 * Known disposable-mail domains, from the `disposable-email-domains` package (a maintained list of about
 * 120,000 domains, pinned in the lock file; updating the package updates the list).
 */
let domains: Set<string> | undefined;

/** Load the list (about 0.14 s): the service calls it at start, so the first order screened does not wait. */
export function loadDisposableDomains(): Set<string> {
  domains ??= new Set(createRequire(__filename)('disposable-email-domains') as string[]);
  return domains;
}

export function isDisposableEmail(email: string): boolean {
  return loadDisposableDomains().has(email.slice(email.lastIndexOf('@') + 1).toLowerCase());
}
