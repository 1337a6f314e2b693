/** Who is signed in (GET /v1/session). */
export interface Session {
  actor: string;
  name: string;
  roles: string[];
  locale?: string;
  csrfToken: string;
}

export const isOps = (s: Session) => s.roles.includes('ops');
export const locationsOf = (s: Session) => s.roles.filter((r) => r.startsWith('location:')).map((r) => r.slice('location:'.length));
