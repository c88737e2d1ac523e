import type { ProviderRouteSettings } from '../config/signal-providers-file.js';
import type { SignalProvider } from './providers/signal-provider.js';

/** Who is asked about a number: the primary, and the fallback asked when the primary's answer is UNAVAILABLE. */
export interface ProviderRoute {
  prefix: string;
  primary: SignalProvider;
  fallback?: SignalProvider;
}

/**
 * Routes a number to its providers by the longest matching E.164 prefix ("" matches every number). Built once at
 * start from validated settings; a lookup is a scan of a few prefixes, longest first.
 */
export class SignalRouter {
  private readonly routes: ProviderRoute[];

  constructor(
    readonly providers: readonly SignalProvider[],
    routes: readonly ProviderRouteSettings[],
  ) {
    const byId = new Map(providers.map((p) => [p.id, p]));
    const provider = (id: string) => {
      const found = byId.get(id);
      if (!found) throw new Error(`route names unknown provider ${id}`);
      return found;
    };
    this.routes = routes
      .map((r) => ({ prefix: r.prefix, primary: provider(r.provider), ...(r.fallback ? { fallback: provider(r.fallback) } : {}) }))
      .sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** Every number to one provider: today's single-tyntec set-up, and the unit specs. */
  static single(provider: SignalProvider): SignalRouter {
    return new SignalRouter([provider], [{ prefix: '', provider: provider.id }]);
  }

  /** The route of the longest prefix the number starts with, or undefined when no route (and no "" route) matches. */
  routeFor(phoneNumber: string): ProviderRoute | undefined {
    return this.routes.find((r) => phoneNumber.startsWith(r.prefix));
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.providers.map((p) => p.close()));
  }
}
