import { useEffect, useState } from 'preact/hooks';

/**
 * Routes live in the URL's hash (`#/orders/123`): the gateway serves one page, and the browser's back
 * button and bookmarks work.
 */
export function useRoute(): string[] {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
}

export const go = (...parts: string[]) => {
  location.hash = `#/${parts.map(encodeURIComponent).join('/')}`;
};

export const href = (...parts: string[]) => `#/${parts.map(encodeURIComponent).join('/')}`;
