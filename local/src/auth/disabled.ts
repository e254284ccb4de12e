/**
 * GoTrue routes this stand-in does not offer answer as GoTrue answers them when the feature
 * is switched off (internal/api/middleware.go: requireSAMLEnabled, requirePasskeyEnabled, …),
 * so a client sees "… is disabled" with its error code instead of a bare 404. Anything else
 * gets chi's plain 404, as GoTrue's router gives for a path it does not know.
 */
import { AuthError } from './http.ts';

interface DisabledFeature {
  pattern: RegExp;
  error: () => AuthError;
}

const notFound = (code: string, message: string) => () => new AuthError(404, code, message);

const DISABLED: DisabledFeature[] = [
  { pattern: /^\/(sso(\/.*)?|admin\/sso(\/.*)?)$/, error: notFound('saml_provider_disabled', 'SAML 2.0 is disabled') },
  { pattern: /^\/user\/identities\/authorize$/, error: notFound('manual_linking_disabled', 'Manual linking is disabled') },
  { pattern: /^\/(oauth\/.*|admin\/oauth\/.*|\.well-known\/oauth-authorization-server)$/, error: notFound('feature_disabled', 'OAuth server is disabled') },
  { pattern: /^\/admin\/custom-providers(\/.*)?$/, error: notFound('feature_disabled', 'Custom OAuth providers are disabled') },
  { pattern: /^\/(passkeys(\/.*)?|admin\/users\/[^/]+\/passkeys(\/.*)?)$/, error: notFound('passkey_disabled', 'Passkeys are disabled') },
  { pattern: /^\/scim\/v2(\/.*)?$/, error: notFound('feature_disabled', 'SCIM server is disabled') },
];

/** The "disabled" error for a GoTrue route that is off here, or null for an unknown path. */
export function disabledFeature(path: string): AuthError | null {
  return DISABLED.find((feature) => feature.pattern.test(path))?.error() ?? null;
}
