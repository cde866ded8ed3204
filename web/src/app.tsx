import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiRequestError } from '../../client/index.js';
import { HealthBar } from './components/health-bar.js';
import { SignIn } from './components/sign-in.js';
import { NewWorkOrderPage } from './pages/new-work-order.js';
import { RepositoriesPage } from './pages/repositories-page.js';
import { SettingsPage } from './pages/settings-page.js';
import { WorkOrderListPage } from './pages/work-order-list.js';
import { WorkOrderPage } from './pages/work-order-page.js';
import { Link, matchRoute, usePathname } from './router.js';

const isUnauthorized = (error: unknown) => error instanceof ApiRequestError && error.status_code === 401;

export function App() {
  const [signInNeeded, setSignInNeeded] = useState(false);
  const [queryClient] = useState(() => {
    const onError = (error: unknown) => {
      if (isUnauthorized(error)) setSignInNeeded(true);
    };
    return new QueryClient({
      queryCache: new QueryCache({ onError }),
      mutationCache: new MutationCache({ onError }),
      defaultOptions: {
        // A 4xx will not change on a retry; a network error or a 5xx might.
        queries: { retry: (count, error) => count < 2 && !(error instanceof ApiRequestError && error.status_code < 500), refetchOnWindowFocus: false },
      },
    });
  });
  return (
    <QueryClientProvider client={queryClient}>
      <Layout>{signInNeeded ? <SignIn onSignedIn={() => setSignInNeeded(false)} /> : <Page />}</Layout>
    </QueryClientProvider>
  );
}

function Page() {
  const route = matchRoute(usePathname());
  switch (route.page) {
    case 'list':
      return <WorkOrderListPage />;
    case 'new':
      return <NewWorkOrderPage />;
    case 'work-order':
      return <WorkOrderPage key={route.id} id={route.id} />;
    case 'settings':
      return <SettingsPage />;
    case 'repositories':
      return <RepositoriesPage />;
    default:
      return (
        <>
          <h1>Not found</h1>
          <p>
            No page here. <Link href="/">Back to the work orders</Link>
          </p>
        </>
      );
  }
}

function Layout({ children }: { children: React.ReactNode }) {
  const pathname = usePathname();
  const current = (href: string) => (href === '/' ? pathname === '/' || (pathname.startsWith('/work-orders') && pathname !== '/work-orders/new') : pathname.startsWith(href)) ? 'page' : undefined;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link href="/" className="brand">
          Agent Work Orders
        </Link>
        <nav aria-label="Main">
          <Link href="/" aria-current={current('/')}>
            Work orders
          </Link>
          <Link href="/work-orders/new" aria-current={current('/work-orders/new')}>
            New
          </Link>
          <Link href="/repositories" aria-current={current('/repositories')}>
            Repositories
          </Link>
          <Link href="/settings" aria-current={current('/settings')}>
            Settings
          </Link>
        </nav>
        <HealthBar />
      </header>
      <main id="main">{children}</main>
    </>
  );
}
