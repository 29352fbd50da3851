/**
 * `@alicloud/credentials` is CommonJS with `exports.default`: depending on the loader (the bundle,
 * Vitest, tsx) the namespace's `default` is the class or the whole `module.exports`. Resolved once,
 * here, in a form that works under all of them.
 */
import * as CredentialsModule from '@alicloud/credentials';

type Exports = typeof CredentialsModule.default;
export type CredentialClass = Exports['default'];
export type CredentialConfigClass = Exports['Config'];
export type OidcProviderClass = Exports['OIDCRoleArnCredentialsProvider'];

/** A named export of the library, wherever the loader put it. */
function named<T>(name: string): T {
  const mod = CredentialsModule as unknown as Record<string, unknown> & { default: unknown };
  const top = mod.default as Record<string, unknown> | ((...args: unknown[]) => unknown);
  const value = name === 'default' ? (typeof top === 'function' ? top : top.default) : (mod[name] ?? (top as Record<string, unknown>)[name]);
  if (typeof value !== 'function') throw new Error('Cannot load the Alibaba Cloud credentials library (@alicloud/credentials).');
  return value as T;
}

export const credentialsLibrary = {
  Credential: (): CredentialClass => named<CredentialClass>('default'),
  Config: (): CredentialConfigClass => named<CredentialConfigClass>('Config'),
  OidcProvider: (): OidcProviderClass => named<OidcProviderClass>('OIDCRoleArnCredentialsProvider'),
};
