import { type AnchorHTMLAttributes, type MouseEvent, useEffect, useState } from 'react';

/** A tiny History-API router: five pages do not need a routing library in the bundle. */
export function navigate(to: string): void {
  window.history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function usePathname(): string {
  const [pathname, setPathname] = useState(() => window.location.pathname);
  useEffect(() => {
    const update = () => setPathname(window.location.pathname);
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return pathname;
}

export type Route =
  | { page: 'list' }
  | { page: 'new' }
  | { page: 'work-order'; id: string }
  | { page: 'settings' }
  | { page: 'repositories' }
  | { page: 'not-found' };

export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { page: 'list' };
  if (path === '/work-orders/new') return { page: 'new' };
  const workOrder = /^\/work-orders\/([\w-]+)$/.exec(path);
  if (workOrder) return { page: 'work-order', id: workOrder[1]! };
  if (path === '/settings') return { page: 'settings' };
  if (path === '/repositories') return { page: 'repositories' };
  return { page: 'not-found' };
}

/** An ordinary link (middle click and copy address work) that navigates in place on a plain click. */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const click = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={click} {...rest} />;
}
